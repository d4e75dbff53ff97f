package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.connector.CallStatus;
import dev.patchwave.common.connector.Connector;
import dev.patchwave.common.connector.ConnectorCapabilities;
import dev.patchwave.common.connector.ConnectorHealth;
import dev.patchwave.common.connector.InstallRequest;
import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.target.Target;
import dev.patchwave.common.wave.WaveState;
import dev.patchwave.orchestrator.ConflictException;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.event.EventJournal;
import dev.patchwave.orchestrator.event.RolloutChanged;
import dev.patchwave.orchestrator.patch.PatchCatalog;
import dev.patchwave.orchestrator.rollout.DeploymentRow;
import dev.patchwave.orchestrator.rollout.RolloutRow;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import dev.patchwave.orchestrator.rollout.WaveRow;
import dev.patchwave.orchestrator.target.TargetRepository;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs rollouts wave by wave. Every decision is committed before it is acted on: a target
 * is marked dispatched, with the idempotency key of its attempt, before its connector is
 * called, and the key goes with the call, so a repeated call after a crash never installs
 * twice. Decisions about one rollout are taken under that rollout's lock, one at a time;
 * results of different rollouts are handled in parallel.
 *
 * <p>
 * A wave keeps up to its max concurrency of targets in flight and refills a slot as soon
 * as a result arrives. Each result is checked against the wave's failure threshold; once
 * the wave can no longer meet it, nothing more is dispatched, in-flight targets finish,
 * and the rollout halts.
 */
@Service
public class RolloutEngine {

	private static final Logger log = LoggerFactory.getLogger(RolloutEngine.class);

	private static final List<RolloutState> ACTIVE = List.of(RolloutState.RUNNING, RolloutState.PAUSED,
			RolloutState.HALTED, RolloutState.ROLLING_BACK);

	/** States in which an install already under way may still be retried. */
	private static final Set<RolloutState> INSTALLING = EnumSet.of(RolloutState.RUNNING, RolloutState.PAUSED,
			RolloutState.HALTED);

	private final RolloutStore store;

	private final TargetRepository targets;

	private final PatchCatalog catalog;

	private final ConnectorInstances connectors;

	private final EventJournal journal;

	private final EngineScheduler scheduler;

	private final TransactionTemplate tx;

	private final ApplicationEventPublisher publisher;

	private final Clock clock;

	private final EngineProperties properties;

	private final EngineMetrics metrics;

	private final IntervalFunction backoff;

	private final Map<Long, ReentrantLock> locks = new ConcurrentHashMap<>();

	/**
	 * Rollout and connector pairs whose dispatch waits for the connector to come back, as
	 * rolloutId/name.
	 */
	private final Set<String> waitingFor = ConcurrentHashMap.newKeySet();

	private final Map<String, Patch> patches = new ConcurrentHashMap<>();

	private final Map<Long, Inbox> inboxes = new ConcurrentHashMap<>();

	/** Deployments whose connector call is outstanding on this node. */
	private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();

	private final ExecutorService results = Executors
		.newThreadPerTaskExecutor(Thread.ofVirtual().name("patchwave-result-", 0).factory());

	private final ScheduledExecutorService retries = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("patchwave-retry").daemon().factory());

	public RolloutEngine(RolloutStore store, TargetRepository targets, PatchCatalog catalog,
			ConnectorInstances connectors, EventJournal journal, EngineScheduler scheduler, TransactionTemplate tx,
			ApplicationEventPublisher publisher, Clock clock, EngineProperties properties,
			ObjectProvider<MeterRegistry> meterRegistry) {
		this.store = store;
		this.targets = targets;
		this.catalog = catalog;
		this.connectors = connectors;
		this.journal = journal;
		this.scheduler = scheduler;
		this.tx = tx;
		this.publisher = publisher;
		this.clock = clock;
		this.properties = properties;
		this.metrics = new EngineMetrics(meterRegistry.getIfAvailable(() -> Metrics.globalRegistry), this.inFlight);
		this.backoff = IntervalFunction.ofExponentialRandomBackoff(properties.retryBackoff(), 2.0, 0.2,
				properties.maxRetryBackoff());
	}

	/** Starts a draft rollout now, or schedules it for its not-before time. */
	public void start(long rolloutId, String actor) {
		withLock(rolloutId, () -> {
			RolloutRow rollout = rollout(rolloutId);
			Instant now = now();
			if (rollout.notBefore() != null && rollout.notBefore().isAfter(now)) {
				inTransaction(() -> {
					this.store.moveRollout(rolloutId, rollout.state(), RolloutState.SCHEDULED, now);
					this.scheduler.scheduleStart(rolloutId, rollout.notBefore());
					this.journal.append(rolloutId, actor, "SCHEDULED", "Scheduled to start at " + rollout.notBefore());
				});
				return;
			}
			inTransaction(() -> {
				this.store.moveRollout(rolloutId, rollout.state(), RolloutState.RUNNING, now);
				this.journal.append(rolloutId, actor, "STARTED", "Rollout started");
			});
			step(rolloutId);
		});
	}

	/** Called by Quartz at a scheduled rollout's not-before time. */
	public void startScheduled(long rolloutId) {
		withLock(rolloutId, () -> {
			RolloutRow rollout = this.store.rollout(rolloutId).orElse(null);
			if (rollout == null || rollout.state() != RolloutState.SCHEDULED) {
				log.info("Scheduled start of rollout {} ignored: it is no longer scheduled", rolloutId);
				return;
			}
			inTransaction(() -> {
				this.store.moveRollout(rolloutId, RolloutState.SCHEDULED, RolloutState.RUNNING, now());
				this.journal.append(rolloutId, "scheduler", "STARTED", "Rollout started at its scheduled time");
			});
			step(rolloutId);
		});
	}

	/** Stops dispatching; targets in flight finish and are recorded. */
	public void pause(long rolloutId, String actor) {
		withLock(rolloutId, () -> {
			RolloutRow rollout = rollout(rolloutId);
			inTransaction(() -> {
				this.store.moveRollout(rolloutId, rollout.state(), RolloutState.PAUSED, now());
				this.journal.append(rolloutId, actor, "PAUSED", "Paused: no new target is dispatched");
			});
		});
		this.publisher.publishEvent(new RolloutChanged(rolloutId));
	}

	/**
	 * Resumes a paused or halted rollout. Resuming a halted wave acknowledges the
	 * failures it has so far: its threshold then counts only failures that come after.
	 */
	public void resume(long rolloutId, String actor) {
		withLock(rolloutId, () -> {
			RolloutRow rollout = rollout(rolloutId);
			Instant now = now();
			inTransaction(() -> {
				this.store.moveRollout(rolloutId, rollout.state(), RolloutState.RUNNING, now);
				String message = "Resumed";
				for (WaveRow wave : this.store.waves(rolloutId)) {
					if (wave.state() == WaveState.HALTED) {
						int failed = counts(wave.id()).getOrDefault(DeploymentState.FAILED, 0);
						this.store.acknowledgeFailures(wave.id(), failed);
						this.store.moveWave(wave, WaveState.RUNNING, now);
						message = "Resumed; wave '%s' continues with its %d failures acknowledged"
							.formatted(wave.name(), failed);
					}
				}
				this.journal.append(rolloutId, actor, "RESUMED", message);
			});
			step(rolloutId);
		});
	}

	/**
	 * Ends a rollout for good: nothing more is dispatched; targets in flight finish and
	 * are recorded.
	 */
	public void abort(long rolloutId, String actor) {
		withLock(rolloutId, () -> {
			RolloutRow rollout = rollout(rolloutId);
			Instant now = now();
			inTransaction(() -> {
				this.store.moveRollout(rolloutId, rollout.state(), RolloutState.ABORTED, now);
				for (WaveRow wave : this.store.waves(rolloutId)) {
					if (WaveState.transitions().isAllowed(wave.state(), WaveState.ABORTED)) {
						this.store.moveWave(wave, WaveState.ABORTED, now);
					}
				}
				dropWaitingRetries(rolloutId, "Rollout aborted while the target waited for a retry", now);
				this.scheduler.cancelAll(rolloutId);
				this.journal.append(rolloutId, actor, "ABORTED", "Aborted: no further target will be dispatched");
			});
		});
		this.publisher.publishEvent(new RolloutChanged(rolloutId));
	}

	/** Lets a manual rollout go on to its next wave once the finished one has baked. */
	public void advance(long rolloutId, String actor) {
		withLock(rolloutId, () -> {
			RolloutRow rollout = rollout(rolloutId);
			WaveRow waiting = this.store.waves(rolloutId)
				.stream()
				.filter(wave -> wave.state() == WaveState.AWAITING_APPROVAL)
				.findFirst()
				.orElseThrow(() -> new ConflictException("Rollout %d has no wave waiting to be advanced; it is %s"
					.formatted(rolloutId, rollout.state())));
			if (rollout.state() != RolloutState.RUNNING) {
				throw new ConflictException(
						"Rollout %d is %s; resume it before advancing".formatted(rolloutId, rollout.state()));
			}
			inTransaction(() -> {
				this.store.moveWave(waiting, WaveState.SUCCEEDED, now());
				this.journal.append(rolloutId, actor, "WAVE_APPROVED", waiting.position(), null,
						"Wave '%s' approved; the next wave may start".formatted(waiting.name()));
			});
			step(rolloutId);
		});
	}

	/**
	 * Takes the patch off every target it was installed on, newest wave first, a wave's
	 * max concurrency at a time. Installs still in flight finish first and are rolled
	 * back too; retries waiting are dropped.
	 */
	public void rollback(long rolloutId, String actor) {
		withLock(rolloutId, () -> {
			RolloutRow rollout = rollout(rolloutId);
			Instant now = now();
			inTransaction(() -> {
				this.store.moveRollout(rolloutId, rollout.state(), RolloutState.ROLLING_BACK, now);
				for (WaveRow wave : this.store.waves(rolloutId)) {
					if (wave.state() == WaveState.PENDING) {
						this.store.moveWave(wave, WaveState.ABORTED, now);
					}
				}
				dropWaitingRetries(rolloutId, "Rollout rolled back while the target waited for a retry", now);
				this.scheduler.cancelAll(rolloutId);
				this.journal.append(rolloutId, actor, "ROLLBACK_STARTED", "Rolling back %d installed targets"
					.formatted(this.store.countDeployments(rolloutId, DeploymentState.SUCCEEDED)));
			});
			step(rolloutId);
		});
	}

	/**
	 * Targets that a host turned away (busy) will not be tried again: they fail with the
	 * given reason. Those waiting after an infrastructure error may have installed; their
	 * retry asks the connector instead.
	 */
	private void dropWaitingRetries(long rolloutId, String reason, Instant now) {
		for (DeploymentRow waiting : this.store.dispatched(rolloutId)) {
			if (waiting.retryAt() != null && waiting.cause() == ResultCause.TRANSIENT_TARGET_ERROR) {
				this.store.settle(waiting.id(), waiting.idempotencyKey(), DeploymentState.FAILED, waiting.cause(),
						waiting.exitCode(), reason, null, now);
			}
		}
	}

	/** Called by Quartz when a wave's bake time is over. */
	public void endBake(long rolloutId, int position) {
		withLock(rolloutId, () -> {
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
			inTransaction(() -> {
				if (rollout.advance() == AdvanceMode.AUTO) {
					this.store.moveWave(wave, WaveState.SUCCEEDED, now());
					this.journal.append(rolloutId, EventJournal.ENGINE, "WAVE_SUCCEEDED", position, null,
							"Wave '%s' baked without trouble and succeeded".formatted(wave.name()));
				}
				else {
					this.store.moveWave(wave, WaveState.AWAITING_APPROVAL, now());
					this.journal.append(rolloutId, EventJournal.ENGINE, "WAVE_AWAITING_APPROVAL", position, null,
							"Wave '%s' baked; an operator must advance the rollout".formatted(wave.name()));
				}
			});
			step(rolloutId);
		});
	}

	/**
	 * Takes every active rollout one step further and resends calls whose results never
	 * came.
	 */
	public void reconcileAll() {
		for (long rolloutId : this.store.rolloutIdsIn(ACTIVE)) {
			try {
				withLock(rolloutId, () -> {
					resendOrphans(rolloutId, this.properties.orphanAfter());
					step(rolloutId);
				});
			}
			catch (RuntimeException ex) {
				log.error("Reconcile of rollout {} failed; it is tried again at the next reconcile", rolloutId, ex);
			}
		}
	}

	/**
	 * After a restart no call is outstanding on this node: every target still marked
	 * dispatched is resent at once, under the key it was dispatched with, so the
	 * connector answers the first install's outcome.
	 */
	@EventListener(ApplicationReadyEvent.class)
	public void recover() {
		this.scheduler.ensureReconcile(this.properties.reconcileInterval());
		for (long rolloutId : this.store.rolloutIdsIn(ACTIVE)) {
			withLock(rolloutId, () -> {
				resendOrphans(rolloutId, Duration.ZERO);
				step(rolloutId);
			});
		}
	}

	@PreDestroy
	void shutdown() {
		this.retries.shutdownNow();
		this.results.shutdownNow();
	}

	/**
	 * The one place that decides what a running rollout does next: start the next wave,
	 * halt on a breached threshold, bake or finish a complete wave, or fill free slots
	 * with pending targets.
	 */
	private void step(long rolloutId) {
		if (rollout(rolloutId).state() == RolloutState.ROLLING_BACK) {
			stepRollback(rolloutId);
		}
		else {
			boolean again = true;
			while (again) {
				again = stepOnce(rolloutId);
			}
		}
		this.publisher.publishEvent(new RolloutChanged(rolloutId));
	}

	private boolean stepOnce(long rolloutId) {
		RolloutRow rollout = rollout(rolloutId);
		if (!rollout.state().dispatches()) {
			return false;
		}
		List<WaveRow> waves = this.store.waves(rolloutId);
		WaveRow wave = waves.stream().filter(w -> w.state() != WaveState.SUCCEEDED).findFirst().orElse(null);
		Instant now = now();
		if (wave == null) {
			inTransaction(() -> {
				this.store.moveRollout(rolloutId, RolloutState.RUNNING, RolloutState.SUCCEEDED, now);
				this.journal.append(rolloutId, EventJournal.ENGINE, "SUCCEEDED",
						"All %d waves succeeded".formatted(waves.size()));
			});
			log.info("Rollout {} succeeded", rolloutId);
			return false;
		}
		return switch (wave.state()) {
			case PENDING -> {
				inTransaction(() -> {
					this.store.moveWave(wave, WaveState.RUNNING, now);
					this.journal.append(rolloutId, EventJournal.ENGINE, "WAVE_STARTED", wave.position(), null,
							"Wave '%s' started: %d targets, up to %d at a time".formatted(wave.name(),
									wave.targetCount(), wave.maxConcurrency()));
				});
				yield true;
			}
			case RUNNING -> stepRunningWave(rollout, wave, wave.position() == waves.size() - 1, now);
			default -> false;
		};
	}

	private boolean stepRunningWave(RolloutRow rollout, WaveRow wave, boolean lastWave, Instant now) {
		long rolloutId = rollout.id();
		Map<DeploymentState, Integer> counts = counts(wave.id());
		int failed = counts.getOrDefault(DeploymentState.FAILED, 0);
		if (wave.isBreachedBy(failed)) {
			inTransaction(() -> {
				this.store.moveWave(wave, WaveState.HALTED, now);
				this.store.moveRollout(rolloutId, RolloutState.RUNNING, RolloutState.HALTED, now);
				this.journal.append(rolloutId, EventJournal.ENGINE, "HALTED", wave.position(), null,
						"Halted: wave '%s' has %d failed targets and tolerates %d".formatted(wave.name(),
								failed - wave.acknowledgedFailures(), wave.toleratedFailures()));
			});
			log.warn("Rollout {} halted in wave {}: {} failures, {} tolerated", rolloutId, wave.name(), failed,
					wave.toleratedFailures());
			return false;
		}
		int settled = failed + counts.getOrDefault(DeploymentState.SUCCEEDED, 0)
				+ counts.getOrDefault(DeploymentState.SKIPPED, 0);
		if (settled == wave.targetCount()) {
			return finishWave(rollout, wave, lastWave, now);
		}
		int free = wave.maxConcurrency() - counts.getOrDefault(DeploymentState.DISPATCHED, 0);
		if (free <= 0) {
			return false;
		}
		// read past the free slots, so targets held back for a connector that is down do
		// not block the others
		List<DeploymentRow> pending = this.store.pending(wave, Math.min(free * 4, 1000));
		return !pending.isEmpty() && dispatch(rollout, pending, free, now);
	}

	private boolean finishWave(RolloutRow rollout, WaveRow wave, boolean lastWave, Instant now) {
		long rolloutId = rollout.id();
		if (lastWave || (rollout.bakeTime().isZero() && rollout.advance() == AdvanceMode.AUTO)) {
			inTransaction(() -> {
				this.store.moveWave(wave, WaveState.SUCCEEDED, now);
				this.journal.append(rolloutId, EventJournal.ENGINE, "WAVE_SUCCEEDED", wave.position(), null,
						"Wave '%s' succeeded".formatted(wave.name()));
			});
			return true;
		}
		if (rollout.bakeTime().isZero()) {
			inTransaction(() -> {
				this.store.moveWave(wave, WaveState.AWAITING_APPROVAL, now);
				this.journal.append(rolloutId, EventJournal.ENGINE, "WAVE_AWAITING_APPROVAL", wave.position(), null,
						"Wave '%s' finished; an operator must advance the rollout".formatted(wave.name()));
			});
			return false;
		}
		Instant until = now.plus(rollout.bakeTime());
		inTransaction(() -> {
			this.store.startBaking(wave, until, now);
			this.scheduler.scheduleBakeEnd(rolloutId, wave.position(), until);
			this.journal.append(rolloutId, EventJournal.ENGINE, "WAVE_BAKING", wave.position(), null,
					"Wave '%s' finished; baking until %s".formatted(wave.name(), until));
		});
		return false;
	}

	/**
	 * One step of a rollback: fill free places with installed targets, newest wave first;
	 * when none is left and nothing is in flight, the rollout is rolled back.
	 */
	private void stepRollback(long rolloutId) {
		List<WaveRow> waves = this.store.waves(rolloutId);
		int limit = waves.stream().mapToInt(WaveRow::maxConcurrency).max().orElse(1);
		int busy = (int) (this.store.countDeployments(rolloutId, DeploymentState.ROLLING_BACK)
				+ this.store.countDeployments(rolloutId, DeploymentState.DISPATCHED));
		List<DeploymentRow> installed = this.store.succeededNewestWaveFirst(rolloutId, Math.max(0, limit - busy));
		Instant now = now();
		if (installed.isEmpty() && busy == 0) {
			inTransaction(() -> {
				for (WaveRow wave : waves) {
					if (WaveState.transitions().isAllowed(wave.state(), WaveState.ROLLED_BACK)) {
						this.store.moveWave(wave, WaveState.ROLLED_BACK, now);
					}
				}
				this.store.moveRollout(rolloutId, RolloutState.ROLLING_BACK, RolloutState.ROLLED_BACK, now);
				this.journal.append(rolloutId, EventJournal.ENGINE, "ROLLED_BACK",
						"Rolled back: %d targets, %d failed to roll back".formatted(
								this.store.countDeployments(rolloutId, DeploymentState.ROLLED_BACK),
								this.store.countDeployments(rolloutId, DeploymentState.ROLLBACK_FAILED)));
			});
			log.info("Rollout {} rolled back", rolloutId);
			return;
		}
		Patch patch = patch(rollout(rolloutId).patchId());
		List<Call> calls = new ArrayList<>();
		inTransaction(() -> {
			for (DeploymentRow deployment : installed) {
				String key = rollbackKey(deployment.id());
				if (this.store.markRollingBack(deployment, key, now)) {
					Target target = this.targets.find(deployment.targetId()).orElseThrow();
					this.journal.append(rolloutId, EventJournal.ENGINE, "TARGET_ROLLING_BACK", deployment.wave(),
							target.name(), "Rolling back through connector '%s'".formatted(target.connector()));
					calls.add(new Call(rolloutId, deployment.id(), deployment.wave(), key, target));
				}
			}
		});
		calls.forEach(call -> sendRollback(call, patch));
	}

	private void sendRollback(Call call, Patch patch) {
		CompletionStage<InstallResult> outcome;
		try {
			outcome = this.connectors.connector(call.target().connector()).rollback(request(call, patch));
		}
		catch (RuntimeException ex) {
			outcome = CompletableFuture.failedFuture(ex);
		}
		this.inFlight.add(call.deploymentId());
		outcome.whenCompleteAsync((result, error) -> {
			this.inFlight.remove(call.deploymentId());
			InstallResult settled = error == null ? result
					: InstallResult.infrastructureError("Connector call failed: " + rootMessage(error));
			withLock(call.rolloutId(), () -> onRollbackResult(call, patch, settled));
		}, this.results);
	}

	/**
	 * A rollback the system could not take now is sent again later; any other answer
	 * settles it.
	 */
	private void onRollbackResult(Call call, Patch patch, InstallResult result) {
		if (result.cause().isInfrastructureError()) {
			this.retries.schedule(() -> this.results.execute(() -> withLock(call.rolloutId(), () -> {
				DeploymentRow row = this.store.deployment(call.deploymentId()).orElseThrow();
				if (row.state() == DeploymentState.ROLLING_BACK && call.key().equals(row.idempotencyKey())
						&& rollout(call.rolloutId()).state() == RolloutState.ROLLING_BACK) {
					sendRollback(call, patch);
				}
			})), this.properties.retryBackoff().toMillis(), TimeUnit.MILLISECONDS);
			return;
		}
		boolean rolledBack = result.cause().isSuccess();
		DeploymentState to = rolledBack ? DeploymentState.ROLLED_BACK : DeploymentState.ROLLBACK_FAILED;
		String version = result.installedVersion() == null ? null : result.installedVersion().toString();
		inTransaction(() -> {
			if (this.store.settleRollback(call.deploymentId(), call.key(), to, result.cause(), result.exitCode(),
					result.message(), version, now())) {
				if (rolledBack && result.installedVersion() != null) {
					this.targets.recordInstalledVersion(call.target().id(), result.installedVersion());
				}
				this.journal.append(call.rolloutId(), EventJournal.ENGINE,
						rolledBack ? "TARGET_ROLLED_BACK" : "TARGET_ROLLBACK_FAILED", call.wave(), call.target().name(),
						describe(result));
			}
		});
		step(call.rolloutId());
	}

	/**
	 * Marks the pending targets dispatched, or skipped when they already run the fixed
	 * version, in one transaction; only then calls their connectors. Returns whether a
	 * slot is still free (skips take none).
	 */
	private boolean dispatch(RolloutRow rollout, List<DeploymentRow> pending, int free, Instant now) {
		Patch patch = patch(rollout.patchId());
		List<Call> calls = new ArrayList<>();
		Map<String, Boolean> down = new HashMap<>();
		boolean skipped = inTransaction(() -> {
			boolean any = false;
			for (DeploymentRow deployment : pending) {
				if (calls.size() == free) {
					break;
				}
				Target target = this.targets.find(deployment.targetId())
					.orElseThrow(() -> new NotFoundException("target", deployment.targetName()));
				if (down.computeIfAbsent(target.connector(), name -> heldBack(rollout.id(), name))) {
					// the target stays pending: dispatch to this connector waits until
					// its breaker lets calls through
					continue;
				}
				if (!patch.isNeededAt(target.installedVersion())) {
					this.store.markSkipped(deployment, target.installedVersion().toString(),
							"Already at %s, the fixed version is %s".formatted(target.installedVersion(),
									patch.fixedVersion()),
							now);
					this.journal.append(rollout.id(), EventJournal.ENGINE, "TARGET_SKIPPED", deployment.wave(),
							target.name(), "Already at " + target.installedVersion());
					any = true;
					continue;
				}
				String key = idempotencyKey(deployment.id(), deployment.attempts() + 1);
				if (this.store.markDispatched(deployment, key, now)) {
					this.journal.append(rollout.id(), EventJournal.ENGINE, "TARGET_DISPATCHED", deployment.wave(),
							target.name(), "Dispatched to connector '%s'".formatted(target.connector()));
					calls.add(new Call(rollout.id(), deployment.id(), deployment.wave(), key, target));
				}
			}
			return any;
		});
		send(calls, patch);
		return skipped;
	}

	/**
	 * Whether dispatch to a connector must wait because it is down; journals when a
	 * rollout starts and stops waiting for it, once each, not on every step.
	 */
	private boolean heldBack(long rolloutId, String connector) {
		ConnectorHealth health = this.connectors.health(connector);
		String key = rolloutId + "/" + connector;
		if (health.isDown()) {
			if (this.waitingFor.add(key)) {
				this.journal.append(rolloutId, EventJournal.ENGINE, "CONNECTOR_UNAVAILABLE",
						"Dispatch to connector '%s' waits: %s".formatted(connector, health.detail()));
				log.warn("Rollout {} waits for connector {}: {}", rolloutId, connector, health.detail());
			}
			return true;
		}
		if (this.waitingFor.remove(key)) {
			this.journal.append(rolloutId, EventJournal.ENGINE, "CONNECTOR_AVAILABLE",
					"Connector '%s' answers again; dispatch resumes".formatted(connector));
			log.info("Rollout {} resumes dispatch to connector {}", rolloutId, connector);
		}
		return false;
	}

	/**
	 * Hands the calls to their connectors: in batches to systems that run one job for
	 * many targets.
	 */
	private void send(List<Call> calls, Patch patch) {
		Map<String, List<Call>> byConnector = new LinkedHashMap<>();
		calls.forEach(
				call -> byConnector.computeIfAbsent(call.target().connector(), name -> new ArrayList<>()).add(call));
		byConnector.forEach((name, group) -> {
			Connector connector;
			try {
				connector = this.connectors.connector(name);
			}
			catch (RuntimeException ex) {
				group.forEach(call -> track(call, CompletableFuture.failedFuture(ex)));
				return;
			}
			ConnectorCapabilities capabilities = connector.capabilities();
			int batchSize = capabilities.batching() ? capabilities.maxBatchSize() : 1;
			for (int from = 0; from < group.size(); from += batchSize) {
				List<Call> batch = group.subList(from, Math.min(from + batchSize, group.size()));
				List<CompletionStage<InstallResult>> outcomes;
				try {
					outcomes = batch.size() == 1 ? List.of(connector.install(request(batch.get(0), patch)))
							: connector.installBatch(batch.stream().map(call -> request(call, patch)).toList());
				}
				catch (RuntimeException ex) {
					outcomes = batch.stream()
						.<CompletionStage<InstallResult>>map(call -> CompletableFuture.failedFuture(ex))
						.toList();
				}
				for (int i = 0; i < batch.size(); i++) {
					track(batch.get(i), outcomes.get(i));
				}
			}
		});
	}

	private void send(Call call, Patch patch) {
		send(List.of(call), patch);
	}

	private static InstallRequest request(Call call, Patch patch) {
		return new InstallRequest(call.key(), call.target(), patch);
	}

	/**
	 * Queues the call's outcome when it comes. Results that arrive while the rollout is
	 * busy wait in its inbox and are then recorded together, in one transaction followed
	 * by one step, so a wave with many targets in flight does not pay a commit and a step
	 * per result.
	 */
	private void track(Call call, CompletionStage<InstallResult> outcome) {
		this.inFlight.add(call.deploymentId());
		Instant sent = now();
		// a copy, so the time limit never completes a stage the connector shares with
		// later callers of the key
		outcome.toCompletableFuture()
			.copy()
			.orTimeout(this.properties.resultTimeout().toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((result, error) -> {
				InstallResult settled = error == null ? result
						: InstallResult.infrastructureError("Connector call failed: " + rootMessage(error));
				this.metrics.recordResult(settled.cause(), Duration.between(sent, now()));
				inbox(call.rolloutId()).results().add(new Outcome(call, settled));
				this.results.execute(() -> drain(call.rolloutId()));
			});
	}

	private Inbox inbox(long rolloutId) {
		return this.inboxes.computeIfAbsent(rolloutId,
				id -> new Inbox(new ConcurrentLinkedQueue<>(), new AtomicBoolean()));
	}

	/**
	 * Records whatever results wait in the rollout's inbox; one drainer at a time, none
	 * left behind.
	 */
	private void drain(long rolloutId) {
		Inbox inbox = inbox(rolloutId);
		while (!inbox.results().isEmpty() && inbox.draining().compareAndSet(false, true)) {
			try {
				withLock(rolloutId, () -> {
					List<Outcome> batch = new ArrayList<>();
					for (Outcome next = inbox.results().poll(); next != null; next = inbox.results().poll()) {
						batch.add(next);
					}
					record(batch);
					batch.forEach(outcome -> this.inFlight.remove(outcome.call().deploymentId()));
					step(rolloutId);
				});
			}
			catch (RuntimeException ex) {
				log.error("Results for rollout {} could not be recorded; their targets are resent after {}", rolloutId,
						this.properties.orphanAfter(), ex);
			}
			finally {
				inbox.draining().set(false);
			}
		}
	}

	/**
	 * Records a batch of results in one transaction; should one of them fail, each is
	 * recorded on its own, so one bad result does not cost the others theirs.
	 */
	private void record(List<Outcome> batch) {
		try {
			inTransaction(() -> batch.forEach(outcome -> onResult(outcome.call(), outcome.result())));
		}
		catch (RuntimeException batchFailed) {
			for (Outcome outcome : batch) {
				try {
					inTransaction(() -> onResult(outcome.call(), outcome.result()));
				}
				catch (RuntimeException ex) {
					log.error("Result of {} could not be recorded; it is resent after {}",
							outcome.call().target().name(), this.properties.orphanAfter(), ex);
				}
			}
		}
	}

	/** Records one result; the caller takes the step after a batch of them. */
	private void onResult(Call call, InstallResult result) {
		DeploymentRow deployment = this.store.deployment(call.deploymentId()).orElseThrow();
		if (deployment.state() != DeploymentState.DISPATCHED || !call.key().equals(deployment.idempotencyKey())) {
			log.debug("Stale result for {} under key {} ignored", call.target().name(), call.key());
			return;
		}
		Instant now = now();
		ResultCause cause = result.cause();
		String version = result.installedVersion() == null ? null : result.installedVersion().toString();
		if (cause.isSuccess()) {
			inTransaction(() -> {
				this.store.settle(call.deploymentId(), call.key(), DeploymentState.SUCCEEDED, cause, result.exitCode(),
						result.message(), version, now);
				if (result.installedVersion() != null) {
					this.targets.recordInstalledVersion(call.target().id(), result.installedVersion());
				}
				this.journal.append(call.rolloutId(), EventJournal.ENGINE, "TARGET_SUCCEEDED", call.wave(),
						call.target().name(), describe(result));
			});
		}
		else if (cause.isTargetFailure()
				|| (cause.isTransientTargetError() && deployment.attempts() >= this.properties.maxAttempts())) {
			String message = cause.isTransientTargetError()
					? "%s (gave up after %d attempts)".formatted(result.message(), deployment.attempts())
					: result.message();
			inTransaction(() -> {
				this.store.settle(call.deploymentId(), call.key(), DeploymentState.FAILED, cause, result.exitCode(),
						message, version, now);
				this.journal.append(call.rolloutId(), EventJournal.ENGINE, "TARGET_FAILED", call.wave(),
						call.target().name(), describe(result.cause(), result.exitCode(), message));
			});
			log.info("Target {} failed in rollout {}: {}", call.target().name(), call.rolloutId(), message);
		}
		else {
			Duration wait = cause.isTransientTargetError()
					? Duration.ofMillis(this.backoff.apply(deployment.attempts())) : this.properties.retryBackoff();
			Instant retryAt = now.plus(wait);
			// an outage answers every retry the same way: journal the first, not each one
			boolean firstOfItsKind = cause != deployment.cause();
			inTransaction(() -> {
				this.store.awaitRetry(call.deploymentId(), call.key(), cause, result.exitCode(), result.message(),
						retryAt);
				if (firstOfItsKind) {
					this.journal.append(call.rolloutId(), EventJournal.ENGINE,
							cause.isInfrastructureError() ? "TARGET_WAITING_FOR_CONNECTOR" : "TARGET_RETRY_SCHEDULED",
							call.wave(), call.target().name(),
							"%s; trying again from %s".formatted(describe(result), retryAt));
				}
			});
			this.retries.schedule(() -> this.results.execute(() -> retry(call.rolloutId(), call.deploymentId())),
					wait.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Tries a waiting target again. A transient target error starts a new attempt under a
	 * new key; an infrastructure error resends the same attempt, because the install may
	 * have started.
	 */
	private void retry(long rolloutId, long deploymentId) {
		withLock(rolloutId, () -> {
			DeploymentRow deployment = this.store.deployment(deploymentId).orElseThrow();
			RolloutRow rollout = rollout(rolloutId);
			if (deployment.state() != DeploymentState.DISPATCHED || deployment.retryAt() == null) {
				return;
			}
			Target target = this.targets.find(deployment.targetId()).orElseThrow();
			Patch patch = patch(rollout.patchId());
			if (!INSTALLING.contains(rollout.state())) {
				// no new install now; but the one that met an infrastructure error may
				// have run: ask, don't guess
				recoverOrphan(new Call(rolloutId, deploymentId, deployment.wave(), deployment.idempotencyKey(), target),
						patch);
				return;
			}
			String key = deployment.cause() == ResultCause.TRANSIENT_TARGET_ERROR
					? idempotencyKey(deploymentId, deployment.attempts() + 1) : deployment.idempotencyKey();
			boolean claimed = inTransaction(() -> this.store.markRetried(deployment, key, now()));
			if (claimed) {
				send(new Call(rolloutId, deploymentId, deployment.wave(), key, target), patch);
			}
		});
	}

	private void resendOrphans(long rolloutId, Duration minAge) {
		RolloutRow rollout = rollout(rolloutId);
		Instant cutoff = now().minus(minAge);
		for (DeploymentRow deployment : this.store.dispatched(rolloutId)) {
			if (this.inFlight.contains(deployment.id())) {
				continue;
			}
			if (deployment.retryAt() != null) {
				long delay = Math.max(0, Duration.between(now(), deployment.retryAt()).toMillis());
				if (minAge.isZero() || deployment.retryAt().isBefore(cutoff)) {
					this.retries.schedule(() -> this.results.execute(() -> retry(rolloutId, deployment.id())), delay,
							TimeUnit.MILLISECONDS);
				}
				continue;
			}
			if (deployment.dispatchedAt().isAfter(cutoff)) {
				continue;
			}
			recoverOrphan(new Call(rolloutId, deployment.id(), deployment.wave(), deployment.idempotencyKey(),
					this.targets.find(deployment.targetId()).orElseThrow()), patch(rollout.patchId()));
		}
		for (DeploymentRow rollingBack : this.store.inState(rolloutId, DeploymentState.ROLLING_BACK)) {
			if (!this.inFlight.contains(rollingBack.id()) && !rollingBack.dispatchedAt().isAfter(cutoff)) {
				log.info("Resending the rollback of {} under its key {}", rollingBack.targetName(),
						rollingBack.idempotencyKey());
				sendRollback(new Call(rolloutId, rollingBack.id(), rollingBack.wave(), rollingBack.idempotencyKey(),
						this.targets.find(rollingBack.targetId()).orElseThrow()), patch(rollout.patchId()));
			}
		}
	}

	/**
	 * Asks the connector what became of a call whose result this node never recorded;
	 * resends it under the same key only when the connector never saw that key.
	 */
	private void recoverOrphan(Call call, Patch patch) {
		CompletionStage<CallStatus> known;
		try {
			known = this.connectors.connector(call.target().connector()).status(request(call, patch));
		}
		catch (RuntimeException ex) {
			known = CompletableFuture.failedFuture(ex);
		}
		this.inFlight.add(call.deploymentId());
		known.whenCompleteAsync((outcome, error) -> withLock(call.rolloutId(), () -> {
			this.inFlight.remove(call.deploymentId());
			DeploymentRow current = this.store.deployment(call.deploymentId()).orElseThrow();
			if (current.state() != DeploymentState.DISPATCHED || !call.key().equals(current.idempotencyKey())) {
				return;
			}
			if (error != null) {
				log.info("Could not ask the connector about {} ({}); asking again at the next reconcile",
						call.target().name(), rootMessage(error));
			}
			else if (outcome instanceof CallStatus.Finished finished) {
				log.info("Recovered the result of {} under key {} from its connector", call.target().name(),
						call.key());
				track(call, CompletableFuture.completedStage(finished.result()));
			}
			else if (outcome == CallStatus.running() || INSTALLING.contains(rollout(call.rolloutId()).state())) {
				log.info("Resending {} under its key {}: no result was recorded", call.target().name(), call.key());
				send(call, patch);
			}
			else {
				inTransaction(() -> this.store.settle(call.deploymentId(), call.key(), DeploymentState.FAILED,
						current.cause(), current.exitCode(),
						"Never reached the target, and the rollout no longer installs", null, now()));
				step(call.rolloutId());
			}
		}), this.results);
	}

	private Map<DeploymentState, Integer> counts(long waveId) {
		return this.store.counts(waveId);
	}

	/**
	 * The catalog changes only with a migration, so a patch read once serves every later
	 * dispatch.
	 */
	private Patch patch(String patchId) {
		return this.patches.computeIfAbsent(patchId,
				id -> this.catalog.find(id).orElseThrow(() -> new NotFoundException("patch", id)).patch());
	}

	private RolloutRow rollout(long rolloutId) {
		return this.store.rollout(rolloutId).orElseThrow(() -> new NotFoundException("rollout", rolloutId));
	}

	private void withLock(long rolloutId, Runnable action) {
		ReentrantLock lock = this.locks.computeIfAbsent(rolloutId, id -> new ReentrantLock());
		lock.lock();
		String previous = MDC.get("rollout");
		MDC.put("rollout", Long.toString(rolloutId));
		try {
			action.run();
		}
		finally {
			if (previous == null) {
				MDC.remove("rollout");
			}
			else {
				MDC.put("rollout", previous);
			}
			lock.unlock();
		}
	}

	private void inTransaction(Runnable action) {
		this.tx.executeWithoutResult(status -> action.run());
	}

	private <T> T inTransaction(Supplier<T> action) {
		return this.tx.execute(status -> action.get());
	}

	private Instant now() {
		return this.clock.instant();
	}

	/**
	 * The key of one attempt: readable (deployment and attempt) and unique beyond this
	 * database, so that two Patchwave installations, or a database restored from an old
	 * backup, never present a host with a key it has already seen for another install.
	 * Stored before the call; resends reuse the stored key.
	 */
	static String idempotencyKey(long deploymentId, int attempt) {
		return "pw-d%d-a%d-%s".formatted(deploymentId, attempt, uniqueSuffix());
	}

	static String rollbackKey(long deploymentId) {
		return "pw-d%d-rollback-%s".formatted(deploymentId, uniqueSuffix());
	}

	private static String uniqueSuffix() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

	private static String describe(InstallResult result) {
		return describe(result.cause(), result.exitCode(), result.message());
	}

	private static String describe(ResultCause cause, Integer exitCode, String message) {
		return exitCode == null ? "%s: %s".formatted(cause, message)
				: "%s, exit code %d: %s".formatted(cause, exitCode, message);
	}

	private static String rootMessage(Throwable error) {
		Throwable root = error;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
	}

	/** A result waiting to be recorded. */
	private record Outcome(Call call, InstallResult result) {

	}

	/**
	 * A rollout's results not yet recorded, and whether a thread is recording them now.
	 */
	private record Inbox(Queue<Outcome> results, AtomicBoolean draining) {

	}

	/** One connector call: which attempt of which deployment, for which target. */
	private record Call(long rolloutId, long deploymentId, int wave, String key, Target target) {

	}

}
