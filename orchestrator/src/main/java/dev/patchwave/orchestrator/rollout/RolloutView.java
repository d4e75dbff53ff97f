package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.rollout.RolloutState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A rollout as people and clients see it: its state, and each wave with its counts. */
public record RolloutView(long id, String name, String patchId, String patchTitle, String selector,
		AdvanceMode advance, Duration bakeTime, Instant notBefore, RolloutState state, String createdBy,
		Instant createdAt, Instant startedAt, Instant finishedAt, DeploymentCounts totals, List<WaveView> waves) {

	public RolloutView {
		waves = List.copyOf(waves);
	}

}
