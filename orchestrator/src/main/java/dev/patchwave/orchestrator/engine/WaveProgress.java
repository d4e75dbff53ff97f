package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.wave.WaveState;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.event.EventJournal;
import dev.patchwave.orchestrator.rollout.RolloutRow;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import dev.patchwave.orchestrator.rollout.WaveRow;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Decides what a running rollout does next: start the next wave, halt on a breached
 * threshold, bake or finish a complete wave, finish the rollout, or fill the running
 * wave's free slots, which it leaves to the dispatcher.
 */
@Component
class WaveProgress {

	private static final Logger log = LoggerFactory.getLogger(WaveProgress.class);

	private final RolloutStore store;

	private final EventJournal journal;

	private final EngineScheduler scheduler;

	private final EngineTransactions tx;

	private final Clock clock;

	WaveProgress(RolloutStore store, EventJournal journal, EngineScheduler scheduler, EngineTransactions tx,
			Clock clock) {
		this.store = store;
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
		WaveRow wave = waves.stream().filter(w -> w.state() != WaveState.SUCCEEDED).findFirst().orElse(null);
		Instant now = this.clock.instant();
		if (wave == null) {
			this.tx.run(rolloutId, () -> {
				this.store.moveRollout(rolloutId, RolloutState.RUNNING, RolloutState.SUCCEEDED, now);
				this.journal.append(rolloutId, EventJournal.ENGINE, "SUCCEEDED",
						"All %d waves succeeded".formatted(waves.size()));
			});
			log.info("Rollout {} succeeded", rolloutId);
			return Next.STOP;
		}
		return switch (wave.state()) {
			case PENDING -> {
				this.tx.run(rolloutId, () -> {
					this.store.moveWave(wave, WaveState.RUNNING, now);
					this.journal.append(rolloutId, EventJournal.ENGINE, "WAVE_STARTED", wave.position(), null,
							"Wave '%s' started: %d targets, up to %d at a time".formatted(wave.name(),
									wave.targetCount(), wave.maxConcurrency()));
				});
				yield Next.AGAIN;
			}
			case RUNNING -> running(rollout, wave, wave.position() == waves.size() - 1, now);
			default -> Next.STOP;
		};
	}

	private Next running(RolloutRow rollout, WaveRow wave, boolean lastWave, Instant now) {
		long rolloutId = rollout.id();
		Map<DeploymentState, Integer> counts = this.store.counts(wave.id());
		int failed = counts.getOrDefault(DeploymentState.FAILED, 0);
		if (wave.isBreachedBy(failed)) {
			this.tx.run(rolloutId, () -> {
				this.store.moveWave(wave, WaveState.HALTED, now);
				this.store.moveRollout(rolloutId, RolloutState.RUNNING, RolloutState.HALTED, now);
				this.journal.append(rolloutId, EventJournal.ENGINE, "HALTED", wave.position(), null,
						"Halted: wave '%s' has %d failed targets and tolerates %d".formatted(wave.name(),
								failed - wave.acknowledgedFailures(), wave.toleratedFailures()));
			});
			log.warn("Rollout {} halted in wave {}: {} failures, {} tolerated", rolloutId, wave.name(), failed,
					wave.toleratedFailures());
			return Next.STOP;
		}
		int settled = failed + counts.getOrDefault(DeploymentState.SUCCEEDED, 0)
				+ counts.getOrDefault(DeploymentState.SKIPPED, 0);
		if (settled == wave.targetCount()) {
			return finish(rollout, wave, lastWave, now);
		}
		int free = wave.maxConcurrency() - counts.getOrDefault(DeploymentState.DISPATCHED, 0);
		return free <= 0 ? Next.STOP : Next.fill(rollout, wave, free);
	}

	private Next finish(RolloutRow rollout, WaveRow wave, boolean lastWave, Instant now) {
		long rolloutId = rollout.id();
		if (lastWave || (rollout.bakeTime().isZero() && rollout.advance() == AdvanceMode.AUTO)) {
			this.tx.run(rolloutId, () -> {
				this.store.moveWave(wave, WaveState.SUCCEEDED, now);
				this.journal.append(rolloutId, EventJournal.ENGINE, "WAVE_SUCCEEDED", wave.position(), null,
						"Wave '%s' succeeded".formatted(wave.name()));
			});
			return Next.AGAIN;
		}
		if (rollout.bakeTime().isZero()) {
			this.tx.run(rolloutId, () -> {
				this.store.moveWave(wave, WaveState.AWAITING_APPROVAL, now);
				this.journal.append(rolloutId, EventJournal.ENGINE, "WAVE_AWAITING_APPROVAL", wave.position(), null,
						"Wave '%s' finished; an operator must advance the rollout".formatted(wave.name()));
			});
			return Next.STOP;
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
	 * The step to take next: take another, stop, or fill {@code free} slots of the
	 * running wave.
	 */
	record Next(Kind kind, RolloutRow rollout, WaveRow wave, int free) {

		static final Next AGAIN = new Next(Kind.AGAIN, null, null, 0);

		static final Next STOP = new Next(Kind.STOP, null, null, 0);

		static Next fill(RolloutRow rollout, WaveRow wave, int free) {
			return new Next(Kind.FILL, rollout, wave, free);
		}

		enum Kind {

			AGAIN, STOP, FILL

		}

	}

}
