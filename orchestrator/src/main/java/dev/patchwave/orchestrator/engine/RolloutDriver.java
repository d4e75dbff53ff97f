package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.connector.CallStatus;
import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.event.RolloutChanged;
import dev.patchwave.orchestrator.rollout.RolloutRow;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

	private final CallsInFlight calls;

	private final WaveLookahead lookahead;

	private final Map<Long, Inbox> inboxes = new ConcurrentHashMap<>();

	RolloutDriver(RolloutLocks locks, Ownership ownership, RolloutStore store, WaveProgress progress,
			Dispatcher dispatcher, ResultRecorder recorder, Retries retries, Rollbacks rollbacks, Recovery recovery,
			WaveVerifier verifier, ConnectorInstances connectors, ApplicationEventPublisher publisher,
			EngineProperties properties, Clock clock, CallsInFlight calls, WaveLookahead lookahead) {
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
		this.calls = calls;
		this.lookahead = lookahead;
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
			this.calls.guarded(rolloutId, () -> step(rolloutId));
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
			this.rollbacks.step(rollout).forEach(call -> this.rollbacks.send(call, () -> step(rolloutId)));
		}
		else {
			boolean again = true;
			while (again) {
				WaveProgress.Next next = this.progress.next(rolloutId);
				again = switch (next.kind()) {
					case AGAIN -> true;
					case STARTED -> {
						this.lookahead.prepare(rolloutId, next.following());
						yield true;
					}
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
		this.calls.guarded(rolloutId, () -> {
			this.progress.recount(rolloutId);
			Recovery.Orphans orphans = this.recovery.orphans(rollout(rolloutId), minAge, this.calls::contains);
			orphans.retries().forEach(this::scheduleRetry);
			orphans.installs().forEach(this::askStatus);
			orphans.rollbacks().forEach(call -> {
				log.info("Resending the rollback of {} under its key {}", call.target().name(), call.key());
				this.rollbacks.send(call, () -> step(rolloutId));
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
		this.calls.forget(rolloutId);
	}

	/**
	 * Queues the call's outcome when it comes. A copy of the stage is timed out, so a
	 * time limit never completes a stage the connector shares with later callers of the
	 * key.
	 */
	private void track(Call call, CompletionStage<InstallResult> outcome) {
		this.calls.add(call);
		Instant sent = this.clock.instant();
		outcome.toCompletableFuture()
			.copy()
			.orTimeout(this.properties.resultTimeout().toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((result, error) -> {
				InstallResult settled = (error != null) ? ConnectorErrors.resultOf(error) : result;
				this.calls.metrics().recordResult(settled.cause(), Duration.between(sent, this.clock.instant()));
				Inbox inbox = inbox(call.rolloutId());
				inbox.results().add(new Outcome(call, settled));
				scheduleDrain(call.rolloutId(), inbox);
			});
	}

	/**
	 * One drain at a time per rollout, queued or running: a wave's results arrive in
	 * bursts of thousands, and a task for each flooded the virtual threads' scheduler,
	 * which API requests share, for seconds.
	 */
	private void scheduleDrain(long rolloutId, Inbox inbox) {
		if (inbox.draining().compareAndSet(false, true)) {
			try {
				this.calls.execute(() -> drain(rolloutId, inbox));
			}
			catch (RuntimeException ex) {
				inbox.draining().set(false);
				throw ex;
			}
		}
	}

	private Inbox inbox(long rolloutId) {
		return this.inboxes.computeIfAbsent(rolloutId,
				id -> new Inbox(new ConcurrentLinkedQueue<>(), new AtomicBoolean()));
	}

	/**
	 * Records whatever results wait in the rollout's inbox, then hands the drain back; a
	 * result that came after the last look schedules the next.
	 */
	private void drain(long rolloutId, Inbox inbox) {
		try {
			while (!inbox.results().isEmpty()) {
				this.calls.guarded(rolloutId, () -> {
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
						batch.forEach(outcome -> this.calls.remove(outcome.call().deploymentId()));
					}
					due.forEach(this::scheduleRetry);
					step(rolloutId);
				});
			}
		}
		catch (RuntimeException ex) {
			log.error("Results for rollout {} could not be recorded; their connectors are asked again after {}",
					rolloutId, this.properties.orphanAfter(), ex);
		}
		finally {
			inbox.draining().set(false);
		}
		if (!inbox.results().isEmpty()) {
			scheduleDrain(rolloutId, inbox);
		}
	}

	/**
	 * Reads the versions of a finished wave's unconfirmed targets, once at a time per
	 * wave, then records them and steps on.
	 */
	private void verify(WaveProgress.Next next) {
		long rolloutId = next.rollout().id();
		this.verifier.verify(next.rollout(), next.wave(), next.unverified(), () -> step(rolloutId));
	}

	private void scheduleRetry(ResultRecorder.Retry retry) {
		this.calls.schedule(() -> retry(retry.rolloutId(), retry.deploymentId()), retry.after());
	}

	private void retry(long rolloutId, long deploymentId) {
		this.calls.guarded(rolloutId, () -> this.retries.due(rollout(rolloutId), deploymentId).ifPresent(action -> {
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
		CompletionStage<CallStatus> known = CallsInFlight
			.attempt(() -> this.connectors.connector(call.target().connector()).status(call.request()));
		this.calls.add(call);
		known.whenCompleteAsync(
				(status, error) -> this.calls.unfailing(call, () -> this.calls.guarded(call.rolloutId(), () -> {
					this.calls.remove(call.deploymentId());
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
				})), this.calls.work());
	}

	private RolloutRow rollout(long rolloutId) {
		return this.store.rollout(rolloutId).orElseThrow(() -> new NotFoundException("rollout", rolloutId));
	}

	/**
	 * A rollout's results not yet recorded, and whether a drain is queued or recording
	 * them now.
	 */
	private record Inbox(Queue<Outcome> results, AtomicBoolean draining) {

	}

}
