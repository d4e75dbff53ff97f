package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.rollout.HaltPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A rollout as a change manager asks for it. Optional parts: {@code advance} (AUTO),
 * {@code bakeTime} (none), {@code notBefore} (start when started), {@code haltPolicy}
 * (PAUSE), {@code windows} (the names of the maintenance windows it may dispatch in;
 * none: any time outside blackouts), {@code deadline} (from the deadline policy), and
 * each wave's {@code failureThreshold} ("0": any failure halts), {@code requiresApproval}
 * (false; true for every wave after the first in MANUAL mode), {@code selector} and
 * {@code spreadBy}.
 */
public record RolloutRequest(String name, String patchId, String selector, AdvanceMode advance, Duration bakeTime,
		Instant notBefore, List<WaveRequest> waves, HaltPolicy haltPolicy, List<String> windows, Instant deadline) {

	public RolloutRequest(String name, String patchId, String selector, AdvanceMode advance, Duration bakeTime,
			Instant notBefore, List<WaveRequest> waves, HaltPolicy haltPolicy) {
		this(name, patchId, selector, advance, bakeTime, notBefore, waves, haltPolicy, null, null);
	}

	public RolloutRequest(String name, String patchId, String selector, AdvanceMode advance, Duration bakeTime,
			Instant notBefore, List<WaveRequest> waves) {
		this(name, patchId, selector, advance, bakeTime, notBefore, waves, null);
	}

	/**
	 * One wave: its size as a count ("5") or a share of the targets left ("25%"; of those
	 * matching {@code selector} when it has one, and then all of them when the size is
	 * left out); whether a change manager other than the rollout's creator must approve
	 * it before it starts; and the label whose values it is spread over.
	 */
	public record WaveRequest(String name, String size, Integer maxConcurrency, String failureThreshold,
			Boolean requiresApproval, String selector, String spreadBy) {

		public WaveRequest(String name, String size, Integer maxConcurrency, String failureThreshold,
				Boolean requiresApproval) {
			this(name, size, maxConcurrency, failureThreshold, requiresApproval, null, null);
		}

		public WaveRequest(String name, String size, Integer maxConcurrency, String failureThreshold) {
			this(name, size, maxConcurrency, failureThreshold, null);
		}

	}

}
