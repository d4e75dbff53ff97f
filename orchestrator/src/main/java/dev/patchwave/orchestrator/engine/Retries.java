package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.orchestrator.rollout.DeploymentRow;
import dev.patchwave.orchestrator.rollout.DeploymentStore;
import dev.patchwave.orchestrator.rollout.RolloutRow;
import dev.patchwave.orchestrator.target.TargetRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Decides how a target that waited for a retry is tried again. A transient target error
 * starts a new attempt under a new key, and only while the rollout runs: nothing new is
 * sent for a paused, halted or aborted rollout. An infrastructure or connector error
 * resends the same attempt, because the install may have started; unless the rollout
 * runs, its connector is asked first, and only an install under way is joined.
 */
@Component
class Retries {

	private final DeploymentStore deployments;

	private final TargetRepository targets;

	private final Patches patches;

	private final EngineTransactions tx;

	private final Clock clock;

	Retries(DeploymentStore deployments, TargetRepository targets, Patches patches, EngineTransactions tx,
			Clock clock) {
		this.deployments = deployments;
		this.targets = targets;
		this.patches = patches;
		this.tx = tx;
		this.clock = clock;
	}

	/**
	 * What to do with a target whose retry is due; empty when it no longer waits or must
	 * wait on until the rollout runs again.
	 */
	Optional<Action> due(RolloutRow rollout, long deploymentId) {
		DeploymentRow deployment = this.deployments.deployment(deploymentId).orElseThrow();
		if (deployment.state() != DeploymentState.DISPATCHED || deployment.retryAt() == null) {
			return Optional.empty();
		}
		boolean newAttempt = deployment.cause() == ResultCause.TRANSIENT_TARGET_ERROR;
		Call waiting = new Call(rollout.id(), deploymentId, deployment.wave(), deployment.idempotencyKey(),
				this.targets.find(deployment.targetId()).orElseThrow(), this.patches.get(rollout.patchId()));
		if (rollout.state() != RolloutState.RUNNING) {
			return newAttempt ? Optional.empty() : Optional.of(new Action(waiting, false));
		}
		String key = newAttempt ? Call.installKey(deploymentId, deployment.attempts() + 1)
				: deployment.idempotencyKey();
		boolean claimed = this.tx.callWhileRunning(rollout.id(),
				() -> this.deployments.markRetried(deployment, key, this.clock.instant()), false);
		return claimed ? Optional.of(new Action(waiting.withKey(key), true)) : Optional.empty();
	}

	/**
	 * A rollout that was aborted or is rolled back tries no busy target again: those fail
	 * with the reason. Targets waiting after an infrastructure error may have installed;
	 * their connector is asked instead.
	 */
	void dropWaiting(RolloutRow rollout) {
		Instant now = this.clock.instant();
		String reason = "Rollout %s while the target waited for a retry"
			.formatted(rollout.state() == RolloutState.ABORTED ? "aborted" : "rolled back");
		for (DeploymentRow waiting : this.deployments.dispatched(rollout.id())) {
			if (waiting.retryAt() != null && waiting.cause() == ResultCause.TRANSIENT_TARGET_ERROR) {
				this.tx.run(rollout.id(), () -> this.deployments.settle(waiting.id(), waiting.idempotencyKey(),
						DeploymentState.FAILED, waiting.cause(), waiting.exitCode(), reason, null, now));
			}
		}
	}

	/** Send the call again, or ask its connector what became of it. */
	record Action(Call call, boolean send) {

	}

}
