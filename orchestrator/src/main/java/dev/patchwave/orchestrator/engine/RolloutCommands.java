package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.wave.WaveState;
import dev.patchwave.orchestrator.ConflictException;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.event.EventJournal;
import dev.patchwave.orchestrator.event.RolloutChanged;
import dev.patchwave.orchestrator.rollout.DeploymentStore;
import dev.patchwave.orchestrator.rollout.RolloutOverlaps;
import dev.patchwave.orchestrator.rollout.RolloutOperations;
import dev.patchwave.orchestrator.rollout.RolloutRow;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import dev.patchwave.orchestrator.rollout.WaveRow;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * Operators' and timers' commands: each moves the rollout, journals who did what, and
 * lets the driver take the step that follows.
 */
@Service
public class RolloutCommands implements RolloutOperations {

	private static final Logger log = LoggerFactory.getLogger(RolloutCommands.class);

	private final RolloutLocks locks;

	private final RolloutStore store;

	private final DeploymentStore deployments;

	private final RolloutOverlaps overlaps;

	private final EventJournal journal;

	private final EngineScheduler scheduler;

	private final EngineTransactions tx;

	private final RolloutDriver driver;

	private final ApplicationEventPublisher publisher;

	private final Clock clock;

	private final WaveProgress progress;

	private final WaveApprovals approvals;

	private final FailureActions failures;

	RolloutCommands(RolloutLocks locks, RolloutStore store, DeploymentStore deployments, RolloutOverlaps overlaps,
			EventJournal journal, EngineScheduler scheduler, EngineTransactions tx, RolloutDriver driver,
			ApplicationEventPublisher publisher, Clock clock, WaveProgress progress, WaveApprovals approvals,
			FailureActions failures) {
		this.progress = progress;
		this.approvals = approvals;
		this.failures = failures;
		this.locks = locks;
		this.store = store;
		this.deployments = deployments;
		this.overlaps = overlaps;
		this.journal = journal;
		this.scheduler = scheduler;
		this.tx = tx;
		this.driver = driver;
		this.publisher = publisher;
		this.clock = clock;
	}

	@Override
	public void start(long rolloutId, String actor) {
		this.locks.run(rolloutId, () -> {
			RolloutRow rollout = rollout(rolloutId);
			if (rollout.state() != RolloutState.DRAFT) {
				throw new ConflictException(
						"Rollout %d is %s; only a draft is started".formatted(rolloutId, rollout.state()));
			}
			Instant now = this.clock.instant();
			if (rollout.notBefore() != null && rollout.notBefore().isAfter(now)) {
				this.tx.command(rolloutId, () -> {
					this.overlaps.lockAndRefuse(rolloutId);
					this.store.moveRollout(rolloutId, rollout.state(), RolloutState.SCHEDULED, now);
					this.scheduler.scheduleStart(rolloutId, rollout.notBefore());
					this.journal.append(rolloutId, actor, "SCHEDULED", "Scheduled to start at " + rollout.notBefore());
				});
				return;
			}
			this.tx.command(rolloutId, () -> {
				this.overlaps.lockAndRefuse(rolloutId);
				this.store.moveRollout(rolloutId, rollout.state(), RolloutState.RUNNING, now);
				this.journal.append(rolloutId, actor, "STARTED", "Rollout started");
			});
			this.driver.stepAfterCommand(rolloutId);
		});
	}

	/** Called by Quartz at a scheduled rollout's not-before time. */
	void startScheduled(long rolloutId) {
		this.locks.run(rolloutId, () -> {
			RolloutRow rollout = this.store.rollout(rolloutId).orElse(null);
			if (rollout == null || rollout.state() != RolloutState.SCHEDULED) {
				log.info("Scheduled start of rollout {} ignored: it is no longer scheduled", rolloutId);
				return;
			}
			this.tx.command(rolloutId, () -> {
				this.store.moveRollout(rolloutId, RolloutState.SCHEDULED, RolloutState.RUNNING, this.clock.instant());
				this.journal.append(rolloutId, "scheduler", "STARTED", "Rollout started at its scheduled time");
			});
			this.driver.stepAfterCommand(rolloutId);
		});
	}

	@Override
	public void pause(long rolloutId, String actor) {
		this.locks.run(rolloutId, () -> {
			RolloutRow rollout = rollout(rolloutId);
			this.tx.command(rolloutId, () -> {
				this.store.moveRollout(rolloutId, rollout.state(), RolloutState.PAUSED, this.clock.instant());
				this.journal.append(rolloutId, actor, "PAUSED", "Paused: no new target is dispatched");
			});
		});
		this.publisher.publishEvent(new RolloutChanged(rolloutId));
	}

	@Override
	public void resume(long rolloutId, String actor) {
		this.locks.run(rolloutId, () -> {
			RolloutRow rollout = rollout(rolloutId);
			if (rollout.state() != RolloutState.PAUSED && rollout.state() != RolloutState.HALTED) {
				throw new ConflictException("Rollout %d is %s; only a paused or halted rollout is resumed"
					.formatted(rolloutId, rollout.state()));
			}
			this.failures.requireNoWaveRolledBack(rolloutId, "resumed");
			Instant now = this.clock.instant();
			this.tx.command(rolloutId, () -> {
				this.store.moveRollout(rolloutId, rollout.state(), RolloutState.RUNNING, now);
				String message = "Resumed";
				for (WaveRow wave : this.store.waves(rolloutId)) {
					if (wave.state() == WaveState.HALTED && wave.requiresApproval() && wave.startedAt() == null) {
						// rejected before it started: resuming gives it back to the
						// approvers, never starts it
						this.store.moveWave(wave, WaveState.AWAITING_APPROVAL, now);
						message = "Resumed; wave '%s' waits for approval again".formatted(wave.name());
					}
					else if (wave.state() == WaveState.HALTED) {
						int failed = this.deployments.counts(wave.id()).getOrDefault(DeploymentState.FAILED, 0);
						this.store.acknowledgeFailures(wave.id(), failed);
						this.store.moveWave(wave, WaveState.RUNNING, now);
						message = "Resumed; wave '%s' continues with its %d failures acknowledged"
							.formatted(wave.name(), failed);
					}
				}
				this.journal.append(rolloutId, actor, "RESUMED", message);
			});
			this.driver.reconcileAfterCommand(rolloutId);
		});
	}

	@Override
	public void abort(long rolloutId, String actor) {
		this.locks.run(rolloutId, () -> {
			RolloutRow rollout = rollout(rolloutId);
			Instant now = this.clock.instant();
			this.tx.command(rolloutId, () -> {
				this.store.moveRollout(rolloutId, rollout.state(), RolloutState.ABORTED, now);
				for (WaveRow wave : this.store.waves(rolloutId)) {
					if (WaveState.transitions().isAllowed(wave.state(), WaveState.ABORTED)) {
						this.store.moveWave(wave, WaveState.ABORTED, now);
					}
				}
				this.scheduler.cancelAll(rolloutId);
				this.journal.append(rolloutId, actor, "ABORTED", "Aborted: no further target will be dispatched");
			});
			this.driver.stepAfterCommand(rolloutId);
		});
	}

	@Override
	public void advance(long rolloutId, String actor) {
		this.approvals.approve(rolloutId, null, actor, null);
	}

	@Override
	public void approve(long rolloutId, int wave, String actor, String comment) {
		this.approvals.approve(rolloutId, wave, actor, comment);
	}

	@Override
	public void reject(long rolloutId, int wave, String actor, String comment) {
		this.approvals.reject(rolloutId, wave, actor, comment);
	}

	@Override
	public void retryFailed(long rolloutId, Integer wave, String actor) {
		this.failures.retryFailed(rolloutId, wave, actor);
	}

	@Override
	public void skip(long rolloutId, String target, String actor, String reason) {
		this.failures.skip(rolloutId, target, actor, reason);
	}

	@Override
	public void resume(long rolloutId, String actor, String failureThreshold, String reason) {
		if (failureThreshold != null) {
			this.failures.raiseThreshold(rolloutId, actor, failureThreshold, reason);
		}
		resume(rolloutId, actor);
	}

	@Override
	public void rollback(long rolloutId, String actor) {
		this.locks.run(rolloutId, () -> {
			RolloutRow rollout = rollout(rolloutId);
			Instant now = this.clock.instant();
			this.tx.command(rolloutId, () -> {
				this.store.moveRollout(rolloutId, rollout.state(), RolloutState.ROLLING_BACK, now);
				this.store.limitRollback(rolloutId, null);
				for (WaveRow wave : this.store.waves(rolloutId)) {
					if (wave.state() == WaveState.PENDING || wave.state() == WaveState.AWAITING_APPROVAL) {
						this.store.moveWave(wave, WaveState.ABORTED, now);
					}
				}
				this.scheduler.cancelAll(rolloutId);
				this.journal.append(rolloutId, actor, "ROLLBACK_STARTED", "Rolling back %d installed targets"
					.formatted(this.deployments.countDeployments(rolloutId, DeploymentState.SUCCEEDED)));
			});
			this.driver.stepAfterCommand(rolloutId);
		});
	}

	/** Called by Quartz when a wave's bake time is over. */
	void endBake(long rolloutId, int position) {
		this.locks.run(rolloutId, () -> {
			RolloutRow rollout = this.store.rollout(rolloutId).orElse(null);
			if (rollout == null) {
				return;
			}
			WaveRow wave = this.store.waves(rolloutId).get(position);
			if (wave.state() != WaveState.BAKING) {
				log.info("End of bake for wave {} of rollout {} ignored: the wave is {}", position, rolloutId,
						wave.state());
				return;
			}
			WaveState done = this.progress.doneState(wave);
			this.tx.command(rolloutId, () -> {
				this.store.moveWave(wave, done, this.clock.instant());
				this.journal.append(rolloutId, EventJournal.ENGINE, "WAVE_" + done.name(), position, null,
						done == WaveState.SUCCEEDED
								? "Wave '%s' baked without trouble and succeeded".formatted(wave.name())
								: "Wave '%s' baked; it completed with targets still exposed".formatted(wave.name()));
			});
			this.driver.stepAfterCommand(rolloutId);
		});
	}

	private RolloutRow rollout(long rolloutId) {
		return this.store.rollout(rolloutId).orElseThrow(() -> new NotFoundException("rollout", rolloutId));
	}

}
