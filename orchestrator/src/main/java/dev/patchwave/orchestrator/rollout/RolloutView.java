package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.rollout.HaltPolicy;
import dev.patchwave.common.rollout.RolloutState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A rollout as people and clients see it: its state, each wave with its counts, the
 * connectors and windows it is waiting for, its deadline and, when asked for one by id,
 * the projected timeline from where it stands (null in lists and once it has ended).
 */
public record RolloutView(long id, String name, String patchId, String patchTitle, String selector, AdvanceMode advance,
		Duration bakeTime, Instant notBefore, RolloutState state, String createdBy, Instant createdAt,
		Instant startedAt, Instant finishedAt, DeploymentCounts totals, List<WaveView> waves,
		List<ConnectorWait> waitingFor, HaltPolicy haltPolicy, Instant deadline, String deadlineReason,
		List<String> windows, List<WindowWait> waitingForWindow, Projection projection) {

	public RolloutView {
		waves = List.copyOf(waves);
		waitingFor = List.copyOf(waitingFor);
		windows = List.copyOf(windows);
		waitingForWindow = List.copyOf(waitingForWindow);
	}

}
