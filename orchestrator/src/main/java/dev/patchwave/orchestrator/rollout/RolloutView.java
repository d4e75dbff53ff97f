package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.rollout.HaltPolicy;
import dev.patchwave.common.rollout.RolloutState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A rollout as people and clients see it: its state, each wave with its counts, and the
 * connectors it is waiting for.
 */
public record RolloutView(long id, String name, String patchId, String patchTitle, String selector, AdvanceMode advance,
		Duration bakeTime, Instant notBefore, RolloutState state, String createdBy, Instant createdAt,
		Instant startedAt, Instant finishedAt, DeploymentCounts totals, List<WaveView> waves,
		List<ConnectorWait> waitingFor, HaltPolicy haltPolicy) {

	public RolloutView {
		waves = List.copyOf(waves);
		waitingFor = List.copyOf(waitingFor);
	}

}
