package dev.patchwave.orchestrator.rollout;

import dev.patchwave.orchestrator.plan.InstallTimes.InstallTime;
import dev.patchwave.orchestrator.plan.Projector.WaveTimeline;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * When a rollout is projected to finish from where it stands, wave by wave, with the
 * install time assumed per connector; whether that meets its deadline and, if not, what
 * change would. {@code finish} is null, and {@code unreachable} says why, when some
 * target fits in no window.
 */
public record Projection(Instant from, Instant finish, Instant deadline, Boolean meetsDeadline,
		List<WaveTimeline> waves, Map<String, InstallTime> installTimes, List<Suggestion> suggestions,
		String unreachable) {

	/**
	 * A change that would meet the deadline: every wave at {@code maxConcurrency} at
	 * least, or one more {@code window}, finishing then.
	 */
	public record Suggestion(String change, Integer maxConcurrency, String window, Instant finish) {

	}

}
