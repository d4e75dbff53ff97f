package dev.patchwave.common.deployment;

import dev.patchwave.common.state.Transitions;

/** Life of one target inside one rollout. */
public enum DeploymentState {

	PENDING, DISPATCHED, SUCCEEDED, FAILED, SKIPPED, ROLLING_BACK, ROLLED_BACK, ROLLBACK_FAILED;

	private static final Transitions<DeploymentState> TABLE = Transitions.of(DeploymentState.class)
		.from(PENDING, DISPATCHED, SKIPPED)
		.from(DISPATCHED, SUCCEEDED, FAILED, PENDING)
		.from(FAILED, DISPATCHED)
		.from(SUCCEEDED, ROLLING_BACK)
		.from(ROLLING_BACK, ROLLED_BACK, ROLLBACK_FAILED)
		.build();

	public static Transitions<DeploymentState> transitions() {
		return TABLE;
	}

	public DeploymentState moveTo(DeploymentState next) {
		return TABLE.require(this, next);
	}

}
