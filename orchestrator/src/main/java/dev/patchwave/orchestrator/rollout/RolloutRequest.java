package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.rollout.HaltPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A rollout as a change manager asks for it. Optional parts: {@code advance} (AUTO),
 * {@code bakeTime} (none), {@code notBefore} (start when started), {@code haltPolicy}
 * (PAUSE), and each wave's {@code failureThreshold} ("0": any failure halts) and
 * {@code requiresApproval} (false; true for every wave after the first in MANUAL mode).
 */
public record RolloutRequest(String name, String patchId, String selector, AdvanceMode advance, Duration bakeTime,
		Instant notBefore, List<WaveRequest> waves, HaltPolicy haltPolicy) {

	public RolloutRequest(String name, String patchId, String selector, AdvanceMode advance, Duration bakeTime,
			Instant notBefore, List<WaveRequest> waves) {
		this(name, patchId, selector, advance, bakeTime, notBefore, waves, null);
	}

	/**
	 * One wave: its size as a count ("5") or a share of the targets left ("25%"), and
	 * whether a change manager other than the rollout's creator must approve it before it
	 * starts.
	 */
	public record WaveRequest(String name, String size, Integer maxConcurrency, String failureThreshold,
			Boolean requiresApproval) {

		public WaveRequest(String name, String size, Integer maxConcurrency, String failureThreshold) {
			this(name, size, maxConcurrency, failureThreshold, null);
		}

	}

}
