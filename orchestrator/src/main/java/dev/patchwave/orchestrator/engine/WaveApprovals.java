package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.wave.WaveState;
import dev.patchwave.orchestrator.ConflictException;
import dev.patchwave.orchestrator.InvalidInputException;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.NotPermittedException;
import dev.patchwave.orchestrator.event.EventJournal;
import dev.patchwave.orchestrator.rollout.RolloutRow;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import dev.patchwave.orchestrator.rollout.WaveRow;
import java.time.Clock;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * Approvals of waves that wait for one, with four eyes: the approver is never the
 * rollout's creator (that the approver is a change manager is the web layer's check).
 * Approvals and rejections are journaled with their comment; a rejection halts the
 * rollout.
 */
@Component
class WaveApprovals {

	private final RolloutLocks locks;

	private final RolloutStore store;

	private final EventJournal journal;

	private final EngineTransactions tx;

	private final RolloutDriver driver;

	private final Clock clock;

	WaveApprovals(RolloutLocks locks, RolloutStore store, EventJournal journal, EngineTransactions tx,
			RolloutDriver driver, Clock clock) {
		this.locks = locks;
		this.store = store;
		this.journal = journal;
		this.tx = tx;
		this.driver = driver;
		this.clock = clock;
	}

	void approve(long rolloutId, Integer position, String actor, String comment) {
		this.locks.run(rolloutId, () -> {
			RolloutRow rollout = rollout(rolloutId);
			WaveRow wave = waiting(rollout, position, actor);
			Instant now = this.clock.instant();
			this.tx.command(rolloutId, () -> {
				this.store.moveWave(wave, WaveState.RUNNING, now);
				this.journal.append(rolloutId, actor, "WAVE_APPROVED", wave.position(), null,
						"Wave '%s' approved by %s%s".formatted(wave.name(), actor, remark(comment)));
				this.journal.append(rolloutId, EventJournal.ENGINE, "WAVE_STARTED", wave.position(), null,
						"Wave '%s' started: %d targets, up to %d at a time".formatted(wave.name(), wave.targetCount(),
								wave.maxConcurrency()));
			});
			this.driver.stepAfterCommand(rolloutId);
		});
	}

	void reject(long rolloutId, int position, String actor, String comment) {
		if (comment == null || comment.isBlank()) {
			throw new InvalidInputException("comment", "is required: say why the wave is rejected");
		}
		this.locks.run(rolloutId, () -> {
			RolloutRow rollout = rollout(rolloutId);
			WaveRow wave = waiting(rollout, position, actor);
			Instant now = this.clock.instant();
			this.tx.command(rolloutId, () -> {
				this.store.moveWave(wave, WaveState.HALTED, now);
				this.store.moveRollout(rolloutId, RolloutState.RUNNING, RolloutState.HALTED, now);
				this.journal.append(rolloutId, actor, "WAVE_REJECTED", wave.position(), null,
						"Wave '%s' rejected by %s%s; the rollout halts".formatted(wave.name(), actor, remark(comment)));
			});
			this.driver.stepAfterCommand(rolloutId);
		});
	}

	/**
	 * The wave at {@code position} (or the first waiting one), if this actor may decide
	 * on it.
	 */
	private WaveRow waiting(RolloutRow rollout, Integer position, String actor) {
		WaveRow wave = this.store.waves(rollout.id())
			.stream()
			.filter(w -> position == null ? w.state() == WaveState.AWAITING_APPROVAL : w.position() == position)
			.findFirst()
			.orElseThrow(() -> position == null ? new ConflictException(
					"Rollout %d has no wave waiting for approval; it is %s".formatted(rollout.id(), rollout.state()))
					: new NotFoundException("wave", position));
		if (wave.state() != WaveState.AWAITING_APPROVAL) {
			throw new ConflictException(
					"Wave '%s' is %s, not waiting for approval".formatted(wave.name(), wave.state()));
		}
		if (rollout.state() != RolloutState.RUNNING) {
			throw new ConflictException(
					"Rollout %d is %s; resume it before deciding on a wave".formatted(rollout.id(), rollout.state()));
		}
		if (actor.equals(rollout.createdBy())) {
			throw new NotPermittedException("actor",
					"%s created this rollout and cannot approve or reject its waves: four eyes, another change manager decides"
						.formatted(actor));
		}
		return wave;
	}

	private RolloutRow rollout(long rolloutId) {
		return this.store.rollout(rolloutId).orElseThrow(() -> new NotFoundException("rollout", rolloutId));
	}

	private static String remark(String comment) {
		return comment == null || comment.isBlank() ? "" : ": " + comment.strip();
	}

}
