package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.deployment.DeploymentState;
import java.util.Map;

/** How many targets are in each deployment state. */
public record DeploymentCounts(int pending, int dispatched, int succeeded, int rebootPending, int failed, int skipped,
		int excluded, int rollingBack, int rolledBack, int rollbackFailed) {

	public static final DeploymentCounts NONE = new DeploymentCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

	public static DeploymentCounts of(Map<DeploymentState, Integer> counts) {
		return new DeploymentCounts(counts.getOrDefault(DeploymentState.PENDING, 0),
				counts.getOrDefault(DeploymentState.DISPATCHED, 0), counts.getOrDefault(DeploymentState.SUCCEEDED, 0),
				counts.getOrDefault(DeploymentState.REBOOT_PENDING, 0), counts.getOrDefault(DeploymentState.FAILED, 0),
				counts.getOrDefault(DeploymentState.SKIPPED, 0), counts.getOrDefault(DeploymentState.EXCLUDED, 0),
				counts.getOrDefault(DeploymentState.ROLLING_BACK, 0),
				counts.getOrDefault(DeploymentState.ROLLED_BACK, 0),
				counts.getOrDefault(DeploymentState.ROLLBACK_FAILED, 0));
	}

	public DeploymentCounts plus(DeploymentCounts other) {
		return new DeploymentCounts(this.pending + other.pending, this.dispatched + other.dispatched,
				this.succeeded + other.succeeded, this.rebootPending + other.rebootPending, this.failed + other.failed,
				this.skipped + other.skipped, this.excluded + other.excluded, this.rollingBack + other.rollingBack,
				this.rolledBack + other.rolledBack, this.rollbackFailed + other.rollbackFailed);
	}

	public int total() {
		return this.pending + this.dispatched + this.succeeded + this.rebootPending + this.failed + this.skipped
				+ this.excluded + this.rollingBack + this.rolledBack + this.rollbackFailed;
	}

	/**
	 * Targets that no longer need the patch: installed and verified now, or already at
	 * the fixed version.
	 */
	public int done() {
		return this.succeeded + this.skipped;
	}

	/** Targets the rollout covers that still run the vulnerable version. */
	public int exposed() {
		return total() - done();
	}

}
