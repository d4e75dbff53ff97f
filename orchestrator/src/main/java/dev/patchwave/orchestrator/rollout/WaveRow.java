package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.wave.FailureThreshold;
import dev.patchwave.common.wave.WaveState;
import java.time.Instant;

/** A wave as stored. */
public record WaveRow(long id, long rolloutId, int position, String name, String size, int maxConcurrency,
		FailureThreshold failureThreshold, int targetCount, WaveState state, int acknowledgedFailures,
		Instant startedAt, Instant finishedAt, Instant bakeUntil, boolean requiresApproval, Instant verifiedAt) {

	public int toleratedFailures() {
		return this.failureThreshold.toleratedFailures(this.targetCount);
	}

	/**
	 * Whether the failures not yet acknowledged by an operator exceed what the wave
	 * tolerates.
	 */
	public boolean isBreachedBy(int failures) {
		return this.failureThreshold.isBreachedBy(failures - this.acknowledgedFailures, this.targetCount);
	}

}
