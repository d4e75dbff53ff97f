package dev.patchwave.web.dashboard;

import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.wave.WaveState;
import dev.patchwave.orchestrator.rollout.DeploymentView;
import dev.patchwave.orchestrator.rollout.RolloutView;
import dev.patchwave.orchestrator.rollout.WaveView;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the live part of a rollout page shows: the rollout with its waves, the
 * failed targets grouped by cause (the first of them, with how many there are), what this
 * user may do now, and how many of the rollout's hosts serve production.
 */
record RolloutPanel(RolloutView rollout, List<FailureGroup> failures, long failedTotal, List<RolloutAction> actions,
		CurrentUser user, long productionTargets) {

	/** The states in which the engine takes failed targets back into their waves. */
	private static final Set<RolloutState> RETRYABLE = EnumSet.of(RolloutState.RUNNING, RolloutState.PAUSED,
			RolloutState.HALTED, RolloutState.COMPLETED_WITH_FAILURES);

	RolloutPanel {
		failures = List.copyOf(failures);
		actions = List.copyOf(actions);
	}

	public String confirmation(RolloutAction action) {
		return action.confirmation(this.rollout, this.productionTargets);
	}

	public boolean mayRetry() {
		return this.user.operator() && RETRYABLE.contains(this.rollout.state());
	}

	/** A failed target may be left out, with a reason, while the rollout is not over. */
	public boolean maySkip() {
		return this.user.operator() && !this.rollout.state().isFinal();
	}

	public boolean mayDecide(WaveView wave) {
		return this.user.changeManager() && wave.state() == WaveState.AWAITING_APPROVAL;
	}

	/**
	 * Targets still pending in a wave that will never run them (aborted, rolled back, or
	 * its rollout over) are not "pending": nothing is coming for them.
	 */
	public boolean neverStarts(WaveView wave) {
		return wave.state() == WaveState.ABORTED || wave.state() == WaveState.ROLLED_BACK
				|| this.rollout.state().isFinal();
	}

	/**
	 * The failed targets that share a cause, each with attempts, exit code and output.
	 */
	record FailureGroup(ResultCause cause, List<DeploymentView> targets) {

		FailureGroup {
			targets = List.copyOf(targets);
		}

		public String title() {
			if (this.cause == null) {
				return "Rollback failed or no cause reported";
			}
			return switch (this.cause) {
				case FATAL_TARGET_ERROR -> "The install failed on the host";
				case UNREACHABLE_TARGET -> "The host could not be reached";
				case CONNECTOR_ERROR -> "The connector broke";
				case TRANSIENT_TARGET_ERROR -> "The host stayed busy after every retry";
				case INFRASTRUCTURE_ERROR -> "The deployment system failed";
				case SUCCEEDED, SUCCEEDED_REBOOT_PENDING -> "Installed, but the check afterwards failed";
			};
		}

	}

}
