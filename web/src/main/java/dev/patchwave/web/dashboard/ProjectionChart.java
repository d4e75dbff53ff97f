package dev.patchwave.web.dashboard;

import dev.patchwave.orchestrator.plan.Projector.WaveTimeline;
import dev.patchwave.orchestrator.rollout.Projection;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A projected timeline drawn as SVG: a bar per wave from its projected start to its end,
 * and the deadline as a line across all of them, so a plan that misses it shows a bar
 * running past the line.
 */
record ProjectionChart(List<Bar> bars, Double deadlineX, double finishX, int height, boolean late) {

	static final int WIDTH = 640;

	private static final int LABELS = 120;

	private static final int ROW = 26;

	/**
	 * One wave's bar, with the words a reader without sight of it gets: name, targets and
	 * when it runs.
	 */
	record Bar(String name, double x, double y, double width, String words, boolean pastDeadline) {

	}

	static Optional<ProjectionChart> of(Projection projection, Display display) {
		if (projection == null || projection.finish() == null || projection.waves().isEmpty()) {
			return Optional.empty();
		}
		Instant deadline = projection.deadline();
		Instant end = Stream.of(projection.finish(), deadline)
			.filter(at -> at != null)
			.max(Instant::compareTo)
			.orElseThrow();
		TimeAxis axis = new TimeAxis(projection.from(), end, LABELS, WIDTH - 10);
		List<WaveTimeline> waves = projection.waves();
		List<Bar> bars = waves.stream().map(wave -> {
			int row = waves.indexOf(wave);
			double x = axis.x(wave.start());
			return new Bar(
					wave.name(), x, 10 + row * ROW, Math.max(2, axis.x(wave.end()) - x), "%s: %d targets, %s to %s"
						.formatted(wave.name(), wave.targets(), display.time(wave.start()), display.time(wave.end())),
					deadline != null && wave.end().isAfter(deadline));
		}).toList();
		return Optional
			.of(new ProjectionChart(bars, deadline == null ? null : axis.x(deadline), axis.x(projection.finish()),
					20 + waves.size() * ROW, Boolean.FALSE.equals(projection.meetsDeadline())));
	}

	public int width() {
		return WIDTH;
	}

	public int labels() {
		return LABELS;
	}

}
