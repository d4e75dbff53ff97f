package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.rollout.HaltPolicy;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.wave.WaveState;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.event.EventJournal;
import dev.patchwave.orchestrator.rollout.DeploymentCounts;
import dev.patchwave.orchestrator.rollout.DeploymentRow;
import dev.patchwave.orchestrator.rollout.DeploymentStore;
import dev.patchwave.orchestrator.rollout.DeploymentVerifications;
import dev.patchwave.orchestrator.rollout.RolloutRow;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import dev.patchwave.orchestrator.rollout.WaveRow;
import dev.patchwave.orchestrator.rollout.WaveTallies;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Decides what a running rollout does next: hold a wave for its approval, start it, halt
 * on a breached threshold (and apply the halt policy), bake or finish a complete wave,
 * finish the rollout, or fill the running wave's free slots, which it leaves to the
 * dispatcher. A wave or rollout with targets still exposed never finishes as succeeded.
 */
@Component
class WaveProgress {

	private static final Logger log = LoggerFactory.getLogger(WaveProgress.class);

	/**
	 * How many waves after one that starts are told to get ready: the next one runs as
	 * soon as this one ends, and the one after that has this wave's time and the next
	 * one's to get ready in, which a large wave that opens many connections needs.
	 */
	private static final int WAVES_AHEAD = 2;

	private final RolloutStore store;

	private final DeploymentStore deployments;

	private final DeploymentVerifications verifications;

	private final WaveTallies tallies;

	private final EventJournal journal;

	private final EngineScheduler scheduler;

	private final EngineTransactions tx;

	private final Clock clock;

	WaveProgress(RolloutStore store, DeploymentStore deployments, DeploymentVerifications verifications,
			WaveTallies tallies, EventJournal journal, EngineScheduler scheduler, EngineTransactions tx, Clock clock) {
		this.store = store;
		this.deployments = deployments;
		this.verifications = verifications;
		this.tallies = tallies;
		this.journal = journal;
		this.scheduler = scheduler;
		this.tx = tx;
		this.clock = clock;
	}

	/**
	 * What the next step is, after taking any wave or rollout transition it calls for.
	 */
	Next next(long rolloutId) {
		RolloutRow rollout = this.store.rollout(rolloutId)
			.orElseThrow(() -> new NotFoundException("rollout", rolloutId));
		if (!rollout.state().dispatches()) {
			return Next.STOP;
		}
		List<WaveRow> waves = this.store.waves(rolloutId);
		WaveRow wave = waves.stream().filter(w -> !w.state().isDone()).findFirst().orElse(null);
		Instant now = this.clock.instant();
		if (wave == null) {
			finishRollout(rollout, waves.size(), now);
			return Next.STOP;
		}
		return switch (wave.state()) {
			case PENDING -> {
				start(rollout, wave, now);
				if (wave.requiresApproval()) {
					yield Next.STOP;
				}
				List<WaveRow> following = List.copyOf(
						waves.subList(wave.position() + 1, Math.min(waves.size(), wave.position() + 1 + WAVES_AHEAD)));
				yield following.isEmpty() ? Next.AGAIN : Next.started(following);
			}
			case RUNNING -> running(rollout, wave, wave.position() == waves.size() - 1, now);
			default -> Next.STOP;
		};
	}

	/**
	 * The state a wave whose installs are over ends in: succeeded only if none is
	 * exposed.
	 */
	WaveState doneState(WaveRow wave) {
		return DeploymentCounts.of(this.deployments.counts(wave.id())).exposed() == 0 ? WaveState.SUCCEEDED
				: WaveState.COMPLETED_WITH_FAILURES;
	}

	private void start(RolloutRow rollout, WaveRow wave, Instant now) {
		this.tx.run(rollout.id(), () -> {
			if (wave.requiresApproval()) {
				this.store.moveWave(wave, WaveState.AWAITING_APPROVAL, now);
				this.journal.append(rollout.id(), EventJournal.ENGINE, "WAVE_AWAITING_APPROVAL", wave.position(), null,
						"Wave '%s' waits for approval by a change manager other than %s".formatted(wave.name(),
								rollout.createdBy()));
			}
			else {
				this.store.moveWave(wave, WaveState.RUNNING, now);
				this.journal.append(rollout.id(), EventJournal.ENGINE, "WAVE_STARTED", wave.position(), null,
						"Wave '%s' started: %d targets, up to %d at a time".formatted(wave.name(), wave.targetCount(),
								wave.maxConcurrency()));
			}
		});
	}

	private Next running(RolloutRow rollout, WaveRow wave, boolean lastWave, Instant now) {
		DeploymentCounts counts = DeploymentCounts.of(this.tallies.of(wave.id()));
		if (wave.isBreachedBy(counts.failed()) || settled(counts) == wave.targetCount()) {
			counts = counted(rollout, wave, counts);
		}
		if (wave.isBreachedBy(counts.failed())) {
			halt(rollout, wave, counts.failed(), now);
			return Next.STOP;
		}
		if (settled(counts) == wave.targetCount()) {
			if (wave.verifiedAt() == null && (counts.rebootPending() > 0 || counts.succeeded() > 0)) {
				List<DeploymentRow> unverified = this.verifications.unverified(wave);
				if (!unverified.isEmpty()) {
					return Next.verify(rollout, wave, unverified);
				}
			}
			return finish(rollout, wave, lastWave, now);
		}
		int free = wave.maxConcurrency() - counts.dispatched();
		return free <= 0 ? Next.STOP : Next.fill(rollout, wave, free);
	}

	/**
	 * Sets the rollout's tallies right should they have drifted from its deployments, so
	 * a wrong tally can never hold a wave up for longer than a reconcile.
	 */
	void recount(long rolloutId) {
		if (this.tx.call(rolloutId, () -> this.tallies.recount(rolloutId))) {
			log.warn("Rollout {}: wave tallies disagreed with the deployments; recounted", rolloutId);
		}
	}

	private static int settled(DeploymentCounts counts) {
		return counts.failed() + counts.succeeded() + counts.skipped() + counts.rebootPending() + counts.excluded();
	}

	/**
	 * The wave's counts from its deployments themselves, before a decision that ends or
	 * halts it: should its tally disagree, the tally is set right and the count decides.
	 */
	private DeploymentCounts counted(RolloutRow rollout, WaveRow wave, DeploymentCounts tallied) {
		DeploymentCounts counted = DeploymentCounts.of(this.deployments.counts(wave.id()));
		if (!counted.equals(tallied)) {
			log.warn("Rollout {} wave {}: tally {} disagreed with the deployments {}", rollout.id(), wave.name(),
					tallied, counted);
			recount(rollout.id());
		}
		return counted;
	}

	/**
	 * Halts the rollout; unless its policy is to wait for a person, starts rolling back
	 * the breaching wave or everything at once. Installs in flight finish first and are
	 * rolled back too.
	 */
	private void halt(RolloutRow rollout, WaveRow wave, int failed, Instant now) {
		long rolloutId = rollout.id();
		HaltPolicy policy = rollout.haltPolicy();
		this.tx.run(rolloutId, () -> {
			this.store.moveWave(wave, WaveState.HALTED, now);
			this.store.moveRollout(rolloutId, RolloutState.RUNNING, RolloutState.HALTED, now);
			this.journal.append(rolloutId, EventJournal.ENGINE, "HALTED", wave.position(), null,
					"Halted: wave '%s' has %d failed targets and tolerates %d".formatted(wave.name(),
							failed - wave.acknowledgedFailures(), wave.toleratedFailures()));
			if (policy != HaltPolicy.PAUSE) {
				Integer scope = policy == HaltPolicy.ROLLBACK_WAVE ? wave.position() : null;
				this.store.moveRollout(rolloutId, RolloutState.HALTED, RolloutState.ROLLING_BACK, now);
				this.store.limitRollback(rolloutId, scope);
				this.scheduler.cancelAll(rolloutId);
				this.journal.append(rolloutId, EventJournal.ENGINE, "ROLLBACK_STARTED",
						"Halt policy %s: rolling back %s".formatted(policy,
								scope == null ? "every installed target" : "wave '%s'".formatted(wave.name())));
			}
		});
		log.warn("Rollout {} halted in wave {}: {} failures, {} tolerated; halt policy {}", rolloutId, wave.name(),
				failed, wave.toleratedFailures(), policy);
	}

	/**
	 * Halts a rollout that would otherwise wait for ever: its connector refuses requests
	 * as misconfigured. Installs in flight finish; a person fixes the connector and
	 * resumes.
	 */
	void haltWaiting(RolloutRow rollout, WaveRow wave, List<String> reasons) {
		Instant now = this.clock.instant();
		this.tx.run(rollout.id(), () -> {
			this.store.moveWave(wave, WaveState.HALTED, now);
			this.store.moveRollout(rollout.id(), RolloutState.RUNNING, RolloutState.HALTED, now);
			this.journal.append(rollout.id(), EventJournal.ENGINE, "HALTED", wave.position(), null,
					"Halted: " + String.join("; ", reasons));
		});
		log.warn("Rollout {} halted in wave {}: {}", rollout.id(), wave.name(), reasons);
	}

	private Next finish(RolloutRow rollout, WaveRow wave, boolean lastWave, Instant now) {
		long rolloutId = rollout.id();
		if (lastWave || rollout.bakeTime().isZero()) {
			WaveState done = doneState(wave);
			this.tx.run(rolloutId, () -> {
				this.store.moveWave(wave, done, now);
				this.journal.append(rolloutId, EventJournal.ENGINE, "WAVE_" + done.name(), wave.position(), null,
						done == WaveState.SUCCEEDED ? "Wave '%s' succeeded".formatted(wave.name())
								: "Wave '%s' completed with targets still exposed".formatted(wave.name()));
			});
			return Next.AGAIN;
		}
		Instant until = now.plus(rollout.bakeTime());
		this.tx.run(rolloutId, () -> {
			this.store.startBaking(wave, until, now);
			this.scheduler.scheduleBakeEnd(rolloutId, wave.position(), until);
			this.journal.append(rolloutId, EventJournal.ENGINE, "WAVE_BAKING", wave.position(), null,
					"Wave '%s' finished; baking until %s".formatted(wave.name(), until));
		});
		return Next.STOP;
	}

	/**
	 * Ends a rollout whose waves are all done: succeeded only when every target it covers
	 * runs the fixed version; otherwise completed with failures, its exposed hosts named
	 * in numbers, and open to a retry.
	 */
	private void finishRollout(RolloutRow rollout, int waves, Instant now) {
		long rolloutId = rollout.id();
		DeploymentCounts totals = DeploymentCounts.of(this.deployments.countsByState(rolloutId));
		if (totals.exposed() == 0) {
			this.tx.run(rolloutId, () -> {
				this.store.moveRollout(rolloutId, RolloutState.RUNNING, RolloutState.SUCCEEDED, now);
				this.journal.append(rolloutId, EventJournal.ENGINE, "SUCCEEDED",
						"All %d waves succeeded: every one of the %d targets runs the fixed version".formatted(waves,
								totals.total()));
			});
			log.info("Rollout {} succeeded", rolloutId);
			return;
		}
		String message = "Completed with %d of %d targets still exposed: %d failed, %d reboot pending, %d skipped by an operator; retry the failed ones or skip them with a reason"
			.formatted(totals.exposed(), totals.total(), totals.failed(), totals.rebootPending(), totals.excluded());
		this.tx.run(rolloutId, () -> {
			this.store.moveRollout(rolloutId, RolloutState.RUNNING, RolloutState.COMPLETED_WITH_FAILURES, now);
			this.journal.append(rolloutId, EventJournal.ENGINE, "COMPLETED_WITH_FAILURES", message);
		});
		log.warn("Rollout {} {}", rolloutId, message);
	}

	/**
	 * The step to take next: take another, stop, or fill {@code free} slots of the
	 * running wave.
	 */
	record Next(Kind kind, RolloutRow rollout, WaveRow wave, int free, List<DeploymentRow> unverified,
			List<WaveRow> following) {

		static final Next AGAIN = new Next(Kind.AGAIN, null, null, 0, List.of(), List.of());

		static final Next STOP = new Next(Kind.STOP, null, null, 0, List.of(), List.of());

		static Next fill(RolloutRow rollout, WaveRow wave, int free) {
			return new Next(Kind.FILL, rollout, wave, free, List.of(), List.of());
		}

		/**
		 * A wave started: the waves that follow it, in order, may get their first targets
		 * ready; then step again.
		 */
		static Next started(List<WaveRow> following) {
			return new Next(Kind.STARTED, null, null, 0, List.of(), following);
		}

		/** Read the version of these targets again before the wave may finish. */
		static Next verify(RolloutRow rollout, WaveRow wave, List<DeploymentRow> unverified) {
			return new Next(Kind.VERIFY, rollout, wave, 0, unverified, List.of());
		}

		enum Kind {

			AGAIN, STARTED, STOP, FILL, VERIFY

		}

	}

}
