package dev.patchwave.common.wave;

import dev.patchwave.common.state.Transitions;

/** Life of one wave of a rollout. */
public enum WaveState {

	PENDING, AWAITING_APPROVAL, RUNNING, BAKING, SUCCEEDED, COMPLETED_WITH_FAILURES, HALTED, ABORTED, ROLLED_BACK;

	private static final Transitions<WaveState> TABLE = Transitions.of(WaveState.class)
		.from(PENDING, AWAITING_APPROVAL, RUNNING, ABORTED)
		.from(AWAITING_APPROVAL, RUNNING, HALTED, ABORTED)
		.from(RUNNING, BAKING, SUCCEEDED, COMPLETED_WITH_FAILURES, HALTED, ABORTED, ROLLED_BACK)
		.from(BAKING, SUCCEEDED, COMPLETED_WITH_FAILURES, ABORTED, ROLLED_BACK)
		.from(SUCCEEDED, ROLLED_BACK)
		.from(COMPLETED_WITH_FAILURES, RUNNING, ABORTED, ROLLED_BACK)
		.from(HALTED, RUNNING, AWAITING_APPROVAL, ABORTED, ROLLED_BACK)
		.build();

	public static Transitions<WaveState> transitions() {
		return TABLE;
	}

	public WaveState moveTo(WaveState next) {
		return TABLE.require(this, next);
	}

	/** Whether the wave's installs are over, so the next wave may start. */
	public boolean isDone() {
		return this == SUCCEEDED || this == COMPLETED_WITH_FAILURES;
	}

	public boolean isFinal() {
		return TABLE.next(this).isEmpty();
	}

}
