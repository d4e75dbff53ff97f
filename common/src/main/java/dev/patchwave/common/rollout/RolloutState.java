package dev.patchwave.common.rollout;

import dev.patchwave.common.state.Transitions;

/**
 * Life of a rollout. The table below is the only place that says which moves are legal.
 */
public enum RolloutState {

	DRAFT, SCHEDULED, RUNNING, PAUSED, HALTED, SUCCEEDED, ABORTED, ROLLING_BACK, ROLLED_BACK;

	private static final Transitions<RolloutState> TABLE = Transitions.of(RolloutState.class)
		.from(DRAFT, SCHEDULED, RUNNING, ABORTED)
		.from(SCHEDULED, RUNNING, ABORTED)
		.from(RUNNING, PAUSED, HALTED, SUCCEEDED, ABORTED)
		.from(PAUSED, RUNNING, ROLLING_BACK, ABORTED)
		.from(HALTED, RUNNING, ROLLING_BACK, ABORTED)
		.from(ROLLING_BACK, ROLLED_BACK, ABORTED)
		.build();

	public static Transitions<RolloutState> transitions() {
		return TABLE;
	}

	public RolloutState moveTo(RolloutState next) {
		return TABLE.require(this, next);
	}

	public boolean isFinal() {
		return TABLE.next(this).isEmpty();
	}

	/** Whether the engine may hand new targets to a connector in this state. */
	public boolean dispatches() {
		return this == RUNNING;
	}

}
