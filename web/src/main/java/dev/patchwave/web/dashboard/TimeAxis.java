package dev.patchwave.web.dashboard;

import java.time.Duration;
import java.time.Instant;

/**
 * Where an instant falls across a chart drawn as server-side SVG: {@code from} at
 * {@code left}, {@code to} at {@code right}, in the SVG's own units.
 */
record TimeAxis(Instant from, Instant to, double left, double right) {

	TimeAxis {
		if (!to.isAfter(from)) {
			// a chart of one instant still needs a width to draw on
			to = from.plus(Duration.ofMinutes(1));
		}
	}

	double x(Instant at) {
		double share = (double) Duration.between(this.from, at).toMillis()
				/ Duration.between(this.from, this.to).toMillis();
		return round(this.left + Math.max(0, Math.min(1, share)) * (this.right - this.left));
	}

	static double round(double value) {
		return Math.round(value * 10) / 10.0;
	}

}
