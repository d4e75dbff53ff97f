package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.rollout.HaltPolicy;
import dev.patchwave.common.rollout.RolloutState;
import java.time.Duration;
import java.time.Instant;

/** A rollout as stored. */
public record RolloutRow(long id, String name, String patchId, String selector, AdvanceMode advance, Duration bakeTime,
		Instant notBefore, RolloutState state, String createdBy, Instant createdAt, Instant startedAt,
		Instant finishedAt, HaltPolicy haltPolicy, Integer rollbackWave) {

}
