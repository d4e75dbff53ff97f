package dev.patchwave.common.deployment;

import dev.patchwave.common.state.Transitions;

/** Life of one target inside one rollout. */
public enum DeploymentState {

	PENDING, DISPATCHED, SUCCEEDED, REBOOT_PENDING, FAILED, SKIPPED, EXCLUDED, ROLLING_BACK, ROLLED_BACK,
	ROLLBACK_FAILED;

	private static final Transitions<DeploymentState> TABLE = Transitions.of(DeploymentState.class)
		.from(PENDING, DISPATCHED, SKIPPED, EXCLUDED)
		.from(DISPATCHED, SUCCEEDED, REBOOT_PENDING, FAILED, PENDING)
		.from(REBOOT_PENDING, SUCCEEDED, EXCLUDED, ROLLING_BACK)
		.from(FAILED, DISPATCHED, PENDING, EXCLUDED)
		.from(SUCCEEDED, REBOOT_PENDING, ROLLING_BACK)
		.from(ROLLING_BACK, ROLLED_BACK, ROLLBACK_FAILED)
		.build();

	public static Transitions<DeploymentState> transitions() {
		return TABLE;
	}

	/**
	 * Whether a target in this state still runs the vulnerable version as far as anyone
	 * knows: not installed, failed, waiting for a reboot, or left out by an operator.
	 */
	public boolean isExposed() {
		return this != SUCCEEDED && this != SKIPPED;
	}

	public DeploymentState moveTo(DeploymentState next) {
		return TABLE.require(this, next);
	}

}
