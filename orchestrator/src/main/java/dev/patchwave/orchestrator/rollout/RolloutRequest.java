package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.rollout.AdvanceMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A rollout as a change manager asks for it. Optional parts: {@code advance} (AUTO),
 * {@code bakeTime} (none), {@code notBefore} (start when started), and each wave's
 * {@code failureThreshold} ("0": any failure halts).
 */
public record RolloutRequest(String name, String patchId, String selector, AdvanceMode advance, Duration bakeTime,
		Instant notBefore, List<WaveRequest> waves) {

	/** One wave: its size as a count ("5") or a share of the targets left ("25%"). */
	public record WaveRequest(String name, String size, Integer maxConcurrency, String failureThreshold) {

	}

}
