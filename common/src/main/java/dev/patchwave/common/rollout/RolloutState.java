package dev.patchwave.common.rollout;

import dev.patchwave.common.state.Transitions;

/**
 * Life of a rollout. The table below is the only place that says which moves are legal.
 */
public enum RolloutState {

	DRAFT, SCHEDULED, RUNNING, PAUSED, HALTED, SUCCEEDED, COMPLETED_WITH_FAILURES, ABORTED, ROLLING_BACK, ROLLED_BACK;

	private static final Transitions<RolloutState> TABLE = Transitions.of(RolloutState.class)
		.from(DRAFT, SCHEDULED, RUNNING, ABORTED)
		.from(SCHEDULED, RUNNING, ABORTED)
		.from(RUNNING, PAUSED, HALTED, SUCCEEDED, COMPLETED_WITH_FAILURES, ABORTED)
		.from(COMPLETED_WITH_FAILURES, RUNNING, ROLLING_BACK, ABORTED)
		.from(PAUSED, RUNNING, ROLLING_BACK, ABORTED)
		.from(HALTED, RUNNING, ROLLING_BACK, ABORTED)
		.from(ROLLING_BACK, ROLLED_BACK, HALTED, ABORTED)
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

	/**
	 * Whether the rollout has come to an end for now: final, or completed with targets
	 * still exposed, which only an operator's retry reopens.
	 */
	public boolean isEnded() {
		return isFinal() || this == COMPLETED_WITH_FAILURES;
	}

	/** Whether the engine may hand new targets to a connector in this state. */
	public boolean dispatches() {
		return this == RUNNING;
	}

}
