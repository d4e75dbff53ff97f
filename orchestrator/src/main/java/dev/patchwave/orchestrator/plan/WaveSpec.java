package dev.patchwave.orchestrator.plan;

import dev.patchwave.common.target.LabelSelector;
import dev.patchwave.common.wave.FailureThreshold;
import dev.patchwave.common.wave.WaveSize;

/**
 * One wave of a strategy, before targets are placed in it. A {@code selector} lets it
 * take only targets that match (the size counting among those); {@code spreadBy} takes
 * them round-robin over the values of a label, so every site, say, is reached early.
 * Either may be null.
 */
public record WaveSpec(String name, WaveSize size, int maxConcurrency, FailureThreshold failureThreshold,
		boolean requiresApproval, LabelSelector selector, String spreadBy) {

	public WaveSpec(String name, WaveSize size, int maxConcurrency, FailureThreshold failureThreshold) {
		this(name, size, maxConcurrency, failureThreshold, false, null, null);
	}

}
