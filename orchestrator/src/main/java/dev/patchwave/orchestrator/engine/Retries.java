package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.orchestrator.rollout.DeploymentRow;
import dev.patchwave.orchestrator.rollout.RolloutRow;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import dev.patchwave.orchestrator.target.TargetRepository;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Decides how a target that waited for a retry is tried again. A transient target error
 * starts a new attempt under a new key; an infrastructure error resends the same attempt,
 * because the install may have started.
 */
@Component
class Retries {

	/** States in which an install already under way may still be retried. */
	private static final Set<RolloutState> INSTALLING = EnumSet.of(RolloutState.RUNNING, RolloutState.PAUSED,
			RolloutState.HALTED);

	private final RolloutStore store;

	private final TargetRepository targets;

	private final Patches patches;

	private final EngineTransactions tx;

	private final Clock clock;

	Retries(RolloutStore store, TargetRepository targets, Patches patches, EngineTransactions tx, Clock clock) {
		this.store = store;
		this.targets = targets;
		this.patches = patches;
		this.tx = tx;
		this.clock = clock;
	}

	/** What to do with a target whose retry is due; empty when it no longer waits. */
	Optional<Action> due(RolloutRow rollout, long deploymentId) {
		DeploymentRow deployment = this.store.deployment(deploymentId).orElseThrow();
		if (deployment.state() != DeploymentState.DISPATCHED || deployment.retryAt() == null) {
			return Optional.empty();
		}
		Call waiting = new Call(rollout.id(), deploymentId, deployment.wave(), deployment.idempotencyKey(),
				this.targets.find(deployment.targetId()).orElseThrow(), this.patches.get(rollout.patchId()));
		if (!INSTALLING.contains(rollout.state())) {
			// no new install now; but the one that met an infrastructure error may have
			// run: ask,
			// don't guess
			return Optional.of(new Action(waiting, false));
		}
		String key = deployment.cause() == ResultCause.TRANSIENT_TARGET_ERROR
				? Call.installKey(deploymentId, deployment.attempts() + 1) : deployment.idempotencyKey();
		boolean claimed = this.tx.call(rollout.id(),
				() -> this.store.markRetried(deployment, key, this.clock.instant()));
		return claimed ? Optional.of(new Action(waiting.withKey(key), true)) : Optional.empty();
	}

	/** Send the call again, or ask its connector what became of it. */
	record Action(Call call, boolean send) {

	}

}
