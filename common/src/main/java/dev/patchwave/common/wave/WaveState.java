package dev.patchwave.common.wave;

import dev.patchwave.common.state.Transitions;

/** Life of one wave of a rollout. */
public enum WaveState {

	PENDING, RUNNING, BAKING, AWAITING_APPROVAL, SUCCEEDED, HALTED, ABORTED, ROLLED_BACK;

	private static final Transitions<WaveState> TABLE = Transitions.of(WaveState.class)
		.from(PENDING, RUNNING, ABORTED)
		.from(RUNNING, BAKING, AWAITING_APPROVAL, SUCCEEDED, HALTED, ABORTED, ROLLED_BACK)
		.from(BAKING, AWAITING_APPROVAL, SUCCEEDED, ABORTED, ROLLED_BACK)
		.from(AWAITING_APPROVAL, SUCCEEDED, ABORTED, ROLLED_BACK)
		.from(SUCCEEDED, ROLLED_BACK)
		.from(HALTED, RUNNING, ABORTED, ROLLED_BACK)
		.build();

	public static Transitions<WaveState> transitions() {
		return TABLE;
	}

	public WaveState moveTo(WaveState next) {
		return TABLE.require(this, next);
	}

	public boolean isFinal() {
		return TABLE.next(this).isEmpty();
	}

}
