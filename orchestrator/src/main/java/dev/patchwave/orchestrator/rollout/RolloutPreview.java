package dev.patchwave.orchestrator.rollout;

import java.time.Instant;
import java.util.List;

/**
 * What a rollout would be, created nothing: its waves with their targets, the targets
 * skipped as already patched, its deadline and its projected timeline.
 */
public record RolloutPreview(int planned, List<PreviewWave> waves, int skipped, List<String> skippedTargets,
		Instant deadline, String deadlineReason, List<String> windows, Projection projection) {

	/** A wave of the preview and the targets it would take, by name. */
	public record PreviewWave(String name, int targets, List<String> targetNames, int maxConcurrency,
			boolean requiresApproval) {

	}

}
