package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.wave.FailureThreshold;
import dev.patchwave.common.wave.WaveState;
import dev.patchwave.orchestrator.ConflictException;
import dev.patchwave.orchestrator.InvalidInputException;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.event.EventJournal;
import dev.patchwave.orchestrator.rollout.DeploymentRow;
import dev.patchwave.orchestrator.rollout.DeploymentStore;
import dev.patchwave.orchestrator.rollout.RolloutRow;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import dev.patchwave.orchestrator.rollout.WaveRow;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * What an operator does about targets that did not get the fix: try the failed ones
 * again, each a new attempt under a new key; skip one for a reason, leaving it exposed
 * and counted so; or raise a halted wave's threshold, saying why.
 */
@Component
class FailureActions {

	private static final Set<RolloutState> RETRYABLE = EnumSet.of(RolloutState.RUNNING, RolloutState.PAUSED,
			RolloutState.HALTED, RolloutState.COMPLETED_WITH_FAILURES);

	private final RolloutLocks locks;

	private final RolloutStore store;

	private final DeploymentStore deployments;

	private final EventJournal journal;

	private final EngineTransactions tx;

	private final RolloutDriver driver;

	private final Clock clock;

	FailureActions(RolloutLocks locks, RolloutStore store, DeploymentStore deployments, EventJournal journal,
			EngineTransactions tx, RolloutDriver driver, Clock clock) {
		this.locks = locks;
		this.store = store;
		this.deployments = deployments;
		this.journal = journal;
		this.tx = tx;
		this.driver = driver;
		this.clock = clock;
	}

	void retryFailed(long rolloutId, Integer position, String actor) {
		this.locks.run(rolloutId, () -> {
			RolloutRow rollout = rollout(rolloutId);
			if (!RETRYABLE.contains(rollout.state())) {
				throw new ConflictException(
						"Rollout %d is %s; failed targets are retried while it runs, is paused or halted, or once it completed"
							.formatted(rolloutId, rollout.state()));
			}
			boolean baking = this.store.waves(rolloutId)
				.stream()
				.anyMatch(
						wave -> wave.state() == WaveState.BAKING && (position == null || wave.position() == position));
			if (baking) {
				throw new ConflictException(
						"Rollout %d has a wave baking; retry its failed targets once the bake is over"
							.formatted(rolloutId));
			}
			requireNoWaveRolledBack(rolloutId, "retried");
			Instant now = this.clock.instant();
			this.tx.command(rolloutId, () -> {
				DeploymentStore.Requeued requeued = this.deployments.requeueFailed(rolloutId, position);
				Set<Integer> waves = new HashSet<>(requeued.waves());
				// reboot-pending targets are read again when their wave runs its verify
				// again
				Map<Long, Map<DeploymentState, Integer>> counts = this.deployments.countsByWave(rolloutId);
				this.store.waves(rolloutId)
					.stream()
					.filter(wave -> position == null || wave.position() == position)
					.filter(wave -> counts.getOrDefault(wave.id(), Map.of())
						.getOrDefault(DeploymentState.REBOOT_PENDING, 0) > 0)
					.forEach(wave -> waves.add(wave.position()));
				if (waves.isEmpty()) {
					throw new ConflictException("Rollout %d has no failed or reboot-pending target%s to retry"
						.formatted(rolloutId, position == null ? "" : " in wave " + position));
				}
				for (WaveRow wave : this.store.waves(rolloutId)) {
					if (waves.contains(wave.position())) {
						this.store.acknowledgeFailures(wave.id(), 0);
						this.store.markVerified(wave.id(), null);
						if (wave.state() == WaveState.COMPLETED_WITH_FAILURES || wave.state() == WaveState.HALTED) {
							this.store.moveWave(wave, WaveState.RUNNING, now);
						}
					}
				}
				if (rollout.state() == RolloutState.COMPLETED_WITH_FAILURES || rollout.state() == RolloutState.HALTED) {
					this.store.moveRollout(rolloutId, rollout.state(), RolloutState.RUNNING, now);
				}
				this.journal.append(rolloutId, actor, "RETRY_FAILED", position, null,
						"%s queued %d failed targets%s for a new attempt".formatted(actor, requeued.targets(),
								position == null ? "" : " of wave " + position));
			});
			this.driver.stepAfterCommand(rolloutId);
		});
	}

	void skip(long rolloutId, String target, String actor, String reason) {
		if (reason == null || reason.isBlank()) {
			throw new InvalidInputException("reason", "is required: say why the target is left exposed");
		}
		this.locks.run(rolloutId, () -> {
			DeploymentRow deployment = this.deployments.deployment(rolloutId, target)
				.orElseThrow(() -> new NotFoundException("target in rollout " + rolloutId, target));
			if (!DeploymentState.transitions().isAllowed(deployment.state(), DeploymentState.EXCLUDED)) {
				throw new ConflictException("%s is %s; only a pending, failed or reboot-pending target is skipped"
					.formatted(target, deployment.state()));
			}
			this.tx.command(rolloutId, () -> {
				this.deployments.exclude(deployment, "Skipped by %s: %s".formatted(actor, reason.strip()),
						this.clock.instant());
				this.journal.append(rolloutId, actor, "TARGET_SKIPPED_BY_OPERATOR", deployment.wave(), target,
						"Skipped by %s, still exposed: %s".formatted(actor, reason.strip()));
			});
			this.driver.stepAfterCommand(rolloutId);
		});
	}

	/**
	 * Raises the halted wave's threshold before the rollout resumes; who and why go to
	 * the journal.
	 */
	void raiseThreshold(long rolloutId, String actor, String threshold, String reason) {
		FailureThreshold raised;
		try {
			raised = FailureThreshold.parse(threshold);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidInputException("failureThreshold", ex.getMessage());
		}
		if (reason == null || reason.isBlank()) {
			throw new InvalidInputException("reason", "is required when the threshold is raised");
		}
		this.locks.run(rolloutId, () -> {
			WaveRow halted = this.store.waves(rolloutId)
				.stream()
				.filter(wave -> wave.state() == WaveState.HALTED)
				.findFirst()
				.orElseThrow(() -> new ConflictException(
						"Rollout %d has no halted wave whose threshold could be raised".formatted(rolloutId)));
			this.tx.command(rolloutId, () -> {
				this.store.changeThreshold(halted.id(), raised);
				this.journal.append(rolloutId, actor, "THRESHOLD_RAISED", halted.position(), null,
						"%s raised the threshold of wave '%s' from %s to %s: %s".formatted(actor, halted.name(),
								halted.failureThreshold(), raised, reason.strip()));
			});
		});
	}

	/**
	 * A wave that its halt policy rolled back is over: the rollout can be rolled back or
	 * aborted, not run on.
	 */
	void requireNoWaveRolledBack(long rolloutId, String action) {
		this.store.waves(rolloutId)
			.stream()
			.filter(wave -> wave.state() == WaveState.ROLLED_BACK)
			.findFirst()
			.ifPresent(wave -> {
				throw new ConflictException(
						"Wave '%s' was rolled back; the rollout cannot be %s: roll it back or abort it"
							.formatted(wave.name(), action));
			});
	}

	private RolloutRow rollout(long rolloutId) {
		return this.store.rollout(rolloutId).orElseThrow(() -> new NotFoundException("rollout", rolloutId));
	}

}
