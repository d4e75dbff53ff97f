package dev.patchwave.orchestrator.plan;

import dev.patchwave.common.wave.FailureThreshold;
import dev.patchwave.common.wave.WaveSize;

/** One wave of a strategy, before targets are placed in it. */
public record WaveSpec(String name, WaveSize size, int maxConcurrency, FailureThreshold failureThreshold,
		boolean requiresApproval) {

	public WaveSpec(String name, WaveSize size, int maxConcurrency, FailureThreshold failureThreshold) {
		this(name, size, maxConcurrency, failureThreshold, false);
	}

}
