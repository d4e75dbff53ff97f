package dev.patchwave.web.dashboard;

import dev.patchwave.web.insight.BurnDown;
import dev.patchwave.web.insight.BurnDown.Point;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The burn-down drawn as SVG: exposed hosts as steps over time up to now, the projection
 * on from now as a dashed line, and the deadline and now as vertical lines. Each point is
 * also a small circle with its words, for readers and tests alike.
 */
record BurnDownChart(String history, String projection, List<Dot> dots, double nowX, Double deadlineX,
		String deadlineWords, int max, double top, double bottom) {

	static final int WIDTH = 640;

	static final int HEIGHT = 220;

	private static final double LEFT = 40;

	private static final double TOP = 12;

	private static final double BOTTOM = HEIGHT - 24;

	/** A point of a line, with what it says. */
	record Dot(double x, double y, String words, boolean projected) {

	}

	static BurnDownChart of(BurnDown.Chart chart, Display display) {
		List<Point> history = chart.history();
		Instant from = history.getFirst().at();
		Instant to = Stream
			.concat(Stream.of(chart.now(), chart.projection().getLast().at()),
					Stream.ofNullable(chart.deadline()).map(deadline -> deadline.at()))
			.max(Instant::compareTo)
			.orElseThrow();
		// a little room after the last instant, so its point is not on the edge
		to = to.plus(Duration.between(from, to).dividedBy(20).plusMinutes(1));
		TimeAxis axis = new TimeAxis(from, to, LEFT, WIDTH - 10);
		int max = Math.max(1,
				Stream.concat(history.stream(), chart.projection().stream()).mapToInt(Point::exposed).max().orElse(1));
		List<Dot> dots = Stream
			.concat(history.stream().map(point -> dot(point, axis, max, display, false)),
					chart.projection().stream().skip(1).map(point -> dot(point, axis, max, display, true)))
			.toList();
		return new BurnDownChart(steps(history, axis, max), steps(chart.projection(), axis, max), dots,
				axis.x(chart.now()), chart.deadline() == null ? null : axis.x(chart.deadline().at()),
				chart.deadline() == null ? null
						: "Deadline %s (%s)".formatted(display.time(chart.deadline().at()), chart.deadline().reason()),
				max, TOP, BOTTOM);
	}

	public int width() {
		return WIDTH;
	}

	public int height() {
		return HEIGHT;
	}

	public double left() {
		return LEFT;
	}

	/** A line that holds each count until the next point, as a count of hosts does. */
	private static String steps(List<Point> points, TimeAxis axis, int max) {
		StringBuilder line = new StringBuilder();
		Double lastY = null;
		for (Point point : points) {
			double x = axis.x(point.at());
			double y = y(point.exposed(), max);
			if (lastY != null) {
				line.append(x).append(',').append(lastY).append(' ');
			}
			line.append(x).append(',').append(y).append(' ');
			lastY = y;
		}
		return line.toString().strip();
	}

	private static Dot dot(Point point, TimeAxis axis, int max, Display display, boolean projected) {
		return new Dot(axis.x(point.at()), y(point.exposed(), max), "%s%d exposed at %s"
			.formatted(projected ? "projected: " : "", point.exposed(), display.time(point.at())), projected);
	}

	private static double y(int exposed, int max) {
		return TimeAxis.round(BOTTOM - (BOTTOM - TOP) * exposed / max);
	}

	/** The y-axis' labels: none, half and all of the most exposed. */
	public List<Tick> ticks() {
		return Stream.of(0, this.max / 2, this.max)
			.distinct()
			.map(value -> new Tick(value, y(value, this.max)))
			.collect(Collectors.toList());
	}

	record Tick(int value, double y) {

	}

}
