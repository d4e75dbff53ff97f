package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.connector.CallStatus;
import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.event.RolloutChanged;
import dev.patchwave.orchestrator.rollout.RolloutRow;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Carries out what the deciders decide: takes a rollout's steps, calls the connectors,
 * and feeds their answers back, results, retries and rollbacks alike. It is the only part
 * of the engine that waits on connectors; everything it writes goes through a decider.
 *
 * <p>
 * Results that arrive while a rollout is busy wait in its inbox and are then recorded
 * together, in one transaction followed by one step, so a wave with many targets in
 * flight does not pay a commit and a step per result.
 */
@Component
class RolloutDriver {

	private static final Logger log = LoggerFactory.getLogger(RolloutDriver.class);

	private final RolloutLocks locks;

	private final Ownership ownership;

	private final RolloutStore store;

	private final WaveProgress progress;

	private final Dispatcher dispatcher;

	private final ResultRecorder recorder;

	private final Retries retries;

	private final Rollbacks rollbacks;

	private final Recovery recovery;

	private final WaveVerifier verifier;

	private final ConnectorInstances connectors;

	private final ApplicationEventPublisher publisher;

	private final EngineProperties properties;

	private final Clock clock;

	private final EngineMetrics metrics;

	/**
	 * Deployments whose connector call is outstanding on this node, with their rollout.
	 */
	private final Map<Long, Long> inFlight = new ConcurrentHashMap<>();

	private final Map<Long, Inbox> inboxes = new ConcurrentHashMap<>();

	/** Waves whose targets' versions are being read on this node. */
	private final Set<Long> verifying = ConcurrentHashMap.newKeySet();

	private final ExecutorService work = Executors
		.newThreadPerTaskExecutor(Thread.ofVirtual().name("patchwave-result-", 0).factory());

	private final ScheduledExecutorService timers = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("patchwave-retry").daemon().factory());

	RolloutDriver(RolloutLocks locks, Ownership ownership, RolloutStore store, WaveProgress progress,
			Dispatcher dispatcher, ResultRecorder recorder, Retries retries, Rollbacks rollbacks, Recovery recovery,
			WaveVerifier verifier, ConnectorInstances connectors, ApplicationEventPublisher publisher,
			EngineProperties properties, Clock clock, ObjectProvider<MeterRegistry> meterRegistry) {
		this.locks = locks;
		this.ownership = ownership;
		this.store = store;
		this.progress = progress;
		this.dispatcher = dispatcher;
		this.recorder = recorder;
		this.retries = retries;
		this.rollbacks = rollbacks;
		this.recovery = recovery;
		this.verifier = verifier;
		this.connectors = connectors;
		this.publisher = publisher;
		this.properties = properties;
		this.clock = clock;
		this.metrics = new EngineMetrics(meterRegistry.getIfAvailable(() -> Metrics.globalRegistry),
				this.inFlight.keySet());
	}

	/**
	 * After a command: takes the rollout's next step here if this node owns the rollout
	 * or can take its lease; otherwise its owner does at its next heartbeat.
	 */
	void stepAfterCommand(long rolloutId) {
		Ownership.Acquired acquired = this.ownership.acquire(rolloutId);
		if (acquired == Ownership.Acquired.TAKEN) {
			forgetCalls(rolloutId);
			reconcile(rolloutId, Duration.ZERO);
		}
		else if (acquired == Ownership.Acquired.ALREADY) {
			guarded(rolloutId, () -> step(rolloutId));
		}
		else {
			log.info("Rollout {} is advanced by another node; it carries the command out at its next heartbeat",
					rolloutId);
			this.publisher.publishEvent(new RolloutChanged(rolloutId));
		}
	}

	/**
	 * After a resume: as {@link #stepAfterCommand}, and the targets whose retry fell due
	 * while the rollout did not run are tried at once, not at a later reconcile.
	 */
	void reconcileAfterCommand(long rolloutId) {
		Ownership.Acquired acquired = this.ownership.acquire(rolloutId);
		if (acquired == Ownership.Acquired.HELD_ELSEWHERE) {
			stepAfterCommand(rolloutId);
			return;
		}
		if (acquired == Ownership.Acquired.TAKEN) {
			forgetCalls(rolloutId);
		}
		reconcile(rolloutId, Duration.ZERO);
	}

	/** Takes the rollout as far as it can go now; the caller holds the rollout's lock. */
	void step(long rolloutId) {
		RolloutRow rollout = rollout(rolloutId);
		if (rollout.state() == RolloutState.ABORTED || rollout.state() == RolloutState.ROLLING_BACK) {
			this.retries.dropWaiting(rollout);
		}
		if (rollout.state() == RolloutState.ROLLING_BACK) {
			this.rollbacks.step(rollout).forEach(this::sendRollback);
		}
		else {
			boolean again = true;
			while (again) {
				WaveProgress.Next next = this.progress.next(rolloutId);
				again = switch (next.kind()) {
					case AGAIN -> true;
					case STOP -> false;
					case FILL -> {
						Dispatcher.Claim claim = this.dispatcher.claim(next.rollout(), next.wave(), next.free());
						this.dispatcher.send(claim.calls()).forEach(sent -> track(sent.call(), sent.outcome()));
						if (!claim.haltReasons().isEmpty()) {
							this.progress.haltWaiting(next.rollout(), next.wave(), claim.haltReasons());
							yield false;
						}
						yield claim.skipped();
					}
					case VERIFY -> {
						verify(next);
						yield false;
					}
				};
			}
		}
		this.publisher.publishEvent(new RolloutChanged(rolloutId));
	}

	/**
	 * Looks after the rollout's calls that nobody on this node waits for, older than
	 * {@code minAge}, then takes a step.
	 */
	void reconcile(long rolloutId, Duration minAge) {
		guarded(rolloutId, () -> {
			Recovery.Orphans orphans = this.recovery.orphans(rollout(rolloutId), minAge, this.inFlight::containsKey);
			orphans.retries().forEach(this::scheduleRetry);
			orphans.installs().forEach(this::askStatus);
			orphans.rollbacks().forEach(call -> {
				log.info("Resending the rollback of {} under its key {}", call.target().name(), call.key());
				sendRollback(call);
			});
			step(rolloutId);
		});
	}

	/** Drops what this node kept for a rollout that has no work left. */
	void forgetRollout(long rolloutId) {
		this.inboxes.remove(rolloutId);
		forgetCalls(rolloutId);
	}

	/**
	 * Forgets the calls of a rollout this node waited for: after the rollout was owned
	 * elsewhere meanwhile, their connectors are asked afresh.
	 */
	void forgetCalls(long rolloutId) {
		this.inFlight.values().removeIf(owner -> owner == rolloutId);
	}

	/**
	 * Queues the call's outcome when it comes. A copy of the stage is timed out, so a
	 * time limit never completes a stage the connector shares with later callers of the
	 * key.
	 */
	private void track(Call call, CompletionStage<InstallResult> outcome) {
		this.inFlight.put(call.deploymentId(), call.rolloutId());
		Instant sent = this.clock.instant();
		outcome.toCompletableFuture()
			.copy()
			.orTimeout(this.properties.resultTimeout().toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((result, error) -> {
				InstallResult settled = (error != null) ? ConnectorErrors.resultOf(error) : result;
				this.metrics.recordResult(settled.cause(), Duration.between(sent, this.clock.instant()));
				inbox(call.rolloutId()).results().add(new Outcome(call, settled));
				this.work.execute(() -> drain(call.rolloutId()));
			});
	}

	private Inbox inbox(long rolloutId) {
		return this.inboxes.computeIfAbsent(rolloutId,
				id -> new Inbox(new ConcurrentLinkedQueue<>(), new AtomicBoolean()));
	}

	/** Records whatever results wait in the rollout's inbox; one drainer at a time. */
	private void drain(long rolloutId) {
		Inbox inbox = inbox(rolloutId);
		while (!inbox.results().isEmpty() && inbox.draining().compareAndSet(false, true)) {
			try {
				guarded(rolloutId, () -> {
					List<Outcome> batch = new ArrayList<>();
					for (Outcome next = inbox.results().poll(); next != null; next = inbox.results().poll()) {
						batch.add(next);
					}
					List<ResultRecorder.Retry> due;
					try {
						due = this.recorder.record(rolloutId, batch);
					}
					finally {
						// recorded, or left for whoever owns the rollout to ask about
						batch.forEach(outcome -> this.inFlight.remove(outcome.call().deploymentId()));
					}
					due.forEach(this::scheduleRetry);
					step(rolloutId);
				});
			}
			catch (RuntimeException ex) {
				log.error("Results for rollout {} could not be recorded; their connectors are asked again after {}",
						rolloutId, this.properties.orphanAfter(), ex);
			}
			finally {
				inbox.draining().set(false);
			}
		}
	}

	/**
	 * Reads the versions of a finished wave's unconfirmed targets, once at a time per
	 * wave, then records them and steps on.
	 */
	private void verify(WaveProgress.Next next) {
		long rolloutId = next.rollout().id();
		long waveId = next.wave().id();
		if (!this.verifying.add(waveId)) {
			return;
		}
		attempt(() -> this.verifier.read(next.rollout(), next.unverified())).whenCompleteAsync((readings, error) -> {
			try {
				if (error == null) {
					guarded(rolloutId, () -> {
						this.verifier.record(next.rollout(), next.wave(), readings);
						step(rolloutId);
					});
				}
			}
			catch (RuntimeException ex) {
				log.error("Verifying wave '{}' of rollout {} failed; it is tried again at the next step",
						next.wave().name(), rolloutId, ex);
			}
			finally {
				this.verifying.remove(waveId);
			}
		}, this.work);
	}

	private void scheduleRetry(ResultRecorder.Retry retry) {
		this.timers.schedule(() -> this.work.execute(() -> retry(retry.rolloutId(), retry.deploymentId())),
				retry.after().toMillis(), TimeUnit.MILLISECONDS);
	}

	private void retry(long rolloutId, long deploymentId) {
		guarded(rolloutId, () -> this.retries.due(rollout(rolloutId), deploymentId).ifPresent(action -> {
			if (action.send()) {
				this.dispatcher.send(List.of(action.call())).forEach(sent -> track(sent.call(), sent.outcome()));
			}
			else {
				askStatus(action.call());
			}
		}));
	}

	/**
	 * Asks the connector what became of a call whose result this node never recorded;
	 * resends it under the same key only when that is safe.
	 */
	private void askStatus(Call call) {
		CompletionStage<CallStatus> known = attempt(
				() -> this.connectors.connector(call.target().connector()).status(call.request()));
		this.inFlight.put(call.deploymentId(), call.rolloutId());
		known.whenCompleteAsync((status, error) -> unfailing(call, () -> guarded(call.rolloutId(), () -> {
			this.inFlight.remove(call.deploymentId());
			if (error != null) {
				log.info("Could not ask the connector about {} ({}); asking again at the next reconcile",
						call.target().name(), Outcome.rootMessage(error));
				return;
			}
			switch (this.recovery.resolve(call, status)) {
				case RECORD -> {
					log.info("Recovered the result of {} under key {} from its connector", call.target().name(),
							call.key());
					track(call, CompletableFuture.completedStage(((CallStatus.Finished) status).result()));
				}
				case SEND -> {
					log.info("Sending {} again under its key {}: the connector says {}", call.target().name(),
							call.key(), status);
					this.dispatcher.send(List.of(call)).forEach(sent -> track(sent.call(), sent.outcome()));
				}
				case STEP -> step(call.rolloutId());
				case NOTHING -> {
				}
			}
		})), this.work);
	}

	/**
	 * Sends a rollback. Its target counts as in flight until the rollback is settled,
	 * also while a resend waits, so a reconcile never sends it a second time.
	 */
	private void sendRollback(Call call) {
		CompletionStage<InstallResult> outcome = attempt(
				() -> this.connectors.connector(call.target().connector()).rollback(call.request()));
		this.inFlight.put(call.deploymentId(), call.rolloutId());
		outcome.whenCompleteAsync((result, error) -> {
			InstallResult settled = (error != null) ? ConnectorErrors.resultOf(error) : result;
			unfailing(call, () -> guarded(call.rolloutId(), () -> {
				if (this.rollbacks.record(call, settled)) {
					this.inFlight.remove(call.deploymentId());
					step(call.rolloutId());
				}
				else {
					this.timers.schedule(() -> this.work.execute(() -> resendRollback(call)),
							this.properties.retryBackoff().toMillis(), TimeUnit.MILLISECONDS);
				}
			}));
		}, this.work);
	}

	private void resendRollback(Call call) {
		guarded(call.rolloutId(), () -> {
			if (this.rollbacks.stillRollingBack(call)) {
				sendRollback(call);
			}
			else {
				this.inFlight.remove(call.deploymentId());
			}
		});
	}

	/**
	 * Runs the handling of a connector's answer; should it fail (the database gone a
	 * moment, say), the call is no longer counted in flight here, so a reconcile asks
	 * about it again, and the error is logged, not lost in a callback.
	 */
	private void unfailing(Call call, Runnable handling) {
		try {
			handling.run();
		}
		catch (RuntimeException ex) {
			this.inFlight.remove(call.deploymentId());
			log.error("Handling the answer about {} in rollout {} failed; a reconcile asks again", call.target().name(),
					call.rolloutId(), ex);
		}
	}

	/**
	 * Runs under the rollout's lock; a lease lost to another node ends the work quietly,
	 * since that node now carries it.
	 */
	private void guarded(long rolloutId, Runnable action) {
		try {
			this.locks.run(rolloutId, action);
		}
		catch (LeaseLostException ex) {
			log.info("{}; leaving the rest to it", ex.getMessage());
		}
	}

	private RolloutRow rollout(long rolloutId) {
		return this.store.rollout(rolloutId).orElseThrow(() -> new NotFoundException("rollout", rolloutId));
	}

	private static <T> CompletionStage<T> attempt(Supplier<CompletionStage<T>> call) {
		try {
			return call.get();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	@PreDestroy
	void shutdown() {
		this.timers.shutdownNow();
		this.work.shutdownNow();
	}

	/**
	 * A rollout's results not yet recorded, and whether a thread is recording them now.
	 */
	private record Inbox(Queue<Outcome> results, AtomicBoolean draining) {

	}

}
