package dev.patchwave.orchestrator.plan;

import dev.patchwave.orchestrator.window.TargetCalendar;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Projects when each wave starts and ends by playing the engine's rules forward: waves in
 * order, each after the last one's bake time and, where it needs one, an approval; up to
 * its concurrency at a time, a slot refilled as soon as an install ends; every install
 * inside its target's window, ending before the window closes, and out of blackouts.
 */
public final class Projector {

	private Projector() {
	}

	/**
	 * @param start when the first wave not yet done may start
	 * @param minConcurrency a concurrency every wave gets at least (1: as planned), to
	 * see what more would change
	 */
	public static Timeline project(Instant start, Duration bake, Duration approvalDelay, List<WaveWork> waves,
			int minConcurrency) {
		Instant at = start;
		List<WaveTimeline> timeline = new ArrayList<>();
		for (int i = 0; i < waves.size(); i++) {
			WaveWork wave = waves.get(i);
			if (wave.phase() == Phase.DONE) {
				timeline.add(new WaveTimeline(wave.name(), wave.startedAt(), wave.endedAt(), wave.targets()));
				continue;
			}
			if (wave.phase() == Phase.BAKING) {
				timeline.add(new WaveTimeline(wave.name(), wave.startedAt(), wave.endedAt(), wave.targets()));
				at = later(at, wave.endedAt().plus(bake));
				continue;
			}
			Instant waveStart = switch (wave.phase()) {
				case AWAITING_APPROVAL -> at.plus(approvalDelay);
				case PENDING -> wave.requiresApproval() ? at.plus(approvalDelay) : at;
				default -> at;
			};
			PriorityQueue<Instant> slots = new PriorityQueue<>();
			for (int slot = 0; slot < Math.max(wave.maxConcurrency(), minConcurrency); slot++) {
				slots.add(waveStart);
			}
			Instant end = waveStart;
			Instant firstBegin = null;
			for (Work work : wave.work()) {
				if (work.busyUntil() != null) {
					Instant done = later(waveStart, work.busyUntil());
					slots.poll();
					slots.add(done);
					end = later(end, done);
				}
			}
			for (Work work : wave.work()) {
				if (work.busyUntil() != null) {
					continue;
				}
				Instant free = later(slots.poll(), waveStart);
				Instant begin = work.calendar().earliestStart(free, work.expected());
				if (begin == null) {
					timeline.add(new WaveTimeline(wave.name(), waveStart, null, wave.targets()));
					return new Timeline(null, timeline,
							"target %s fits in none of its windows: its install is expected to take %s"
								.formatted(work.target(), work.expected()));
				}
				firstBegin = firstBegin == null || begin.isBefore(firstBegin) ? begin : firstBegin;
				Instant done = begin.plus(work.expected());
				slots.add(done);
				end = later(end, done);
			}
			Instant began = wave.phase() == Phase.RUNNING ? wave.startedAt()
					: firstBegin == null ? waveStart : firstBegin;
			timeline.add(new WaveTimeline(wave.name(), began, end, wave.targets()));
			at = (i == waves.size() - 1) ? end : end.plus(bake);
		}
		return new Timeline(at, timeline, null);
	}

	private static Instant later(Instant a, Instant b) {
		return a.isAfter(b) ? a : b;
	}

	/** Where a wave stands. */
	public enum Phase {

		PENDING, AWAITING_APPROVAL, RUNNING, BAKING, DONE

	}

	/**
	 * A wave's remaining work among its {@code targets}; {@code startedAt} and
	 * {@code endedAt} are its actual times where it has them (a baking wave's installs
	 * ended at {@code endedAt}).
	 */
	public record WaveWork(String name, Phase phase, int maxConcurrency, boolean requiresApproval, int targets,
			List<Work> work, Instant startedAt, Instant endedAt) {

	}

	/**
	 * One target to install, in its calendar, expected to take {@code expected}; in
	 * flight until {@code busyUntil} when that is set.
	 */
	public record Work(String target, TargetCalendar calendar, Duration expected, Instant busyUntil) {

	}

	/** The projected finish (null when it cannot be found, and why), wave by wave. */
	public record Timeline(Instant finish, List<WaveTimeline> waves, String unreachable) {

	}

	/**
	 * When a wave starts (its first install, projected, or as it happened) and ends, and
	 * its targets.
	 */
	public record WaveTimeline(String name, Instant start, Instant end, int targets) {

	}

}
