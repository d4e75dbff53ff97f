package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.wave.WaveState;
import java.time.Instant;

/** A wave with its frozen target count and how many of them are in each state. */
public record WaveView(int position, String name, String size, int maxConcurrency, String failureThreshold,
		int toleratedFailures, WaveState state, int targets, DeploymentCounts counts, Instant startedAt,
		Instant finishedAt, Instant bakeUntil, boolean requiresApproval) {

	static WaveView of(WaveRow wave, DeploymentCounts counts) {
		return new WaveView(wave.position(), wave.name(), wave.size(), wave.maxConcurrency(),
				wave.failureThreshold().toString(), wave.toleratedFailures(), wave.state(), wave.targetCount(), counts,
				wave.startedAt(), wave.finishedAt(), wave.bakeUntil(), wave.requiresApproval());
	}

}
