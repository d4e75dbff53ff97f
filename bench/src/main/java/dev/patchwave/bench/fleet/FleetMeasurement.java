package dev.patchwave.bench.fleet;

import dev.patchwave.bench.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one rollout on the fleet bench's server took: registering its targets, creating
 * it, running it against the ideal, and the reads served meanwhile.
 */
record FleetMeasurement(Scenario scenario, Duration registration, Duration creation, String state, Duration actual,
		int succeeded, Map<String, Latencies> reads, long peakResidentMib) {

	/** What went wrong, if anything: the bench fails when this is not empty. */
	List<String> problems() {
		List<String> problems = new ArrayList<>();
		if (!"SUCCEEDED".equals(this.state)) {
			problems.add("ended " + this.state);
		}
		if (this.succeeded != this.scenario.targets()) {
			problems.add("%d of %d targets succeeded".formatted(this.succeeded, this.scenario.targets()));
		}
		this.reads.forEach((path, latencies) -> {
			if (latencies.errors() > 0) {
				problems.add("%d reads of %s failed".formatted(latencies.errors(), path));
			}
		});
		return problems;
	}

	double efficiency() {
		return this.actual == null ? 0 : (double) this.scenario.ideal().toMillis() / this.actual.toMillis();
	}

	String report(String heap) {
		StringBuilder text = new StringBuilder();
		int targets = this.scenario.targets();
		text.append("%s: %d targets registered in %.1f s (%.0f/s); rollout created in %.2f s%n".formatted(this.scenario,
				targets, seconds(this.registration), targets / seconds(this.registration), seconds(this.creation)));
		text.append("  run: ideal %.1f s, actual %s, efficiency %.2f, %d succeeded, %s%n".formatted(
				seconds(this.scenario.ideal()), this.actual == null ? "-" : "%.1f s".formatted(seconds(this.actual)),
				efficiency(), this.succeeded, this.state));
		this.reads.forEach((path, latencies) -> text.append(
				"  GET %-28s %7d reads  p50 %6.1f ms  p99 %6.1f ms  max %7.1f ms  over %d ms: %d, %d of them due in the first %d s; p99 after those %.1f ms%s%n"
					.formatted(path, latencies.count(), millis(latencies.percentile(50)),
							millis(latencies.percentile(99)), millis(latencies.percentile(100)),
							Latencies.SLOW.toMillis(), latencies.slow(), latencies.slowInOpening(),
							Latencies.OPENING.toSeconds(), millis(latencies.percentileAfterOpening(99)),
							latencies.errors() > 0 ? "  (%d failed)".formatted(latencies.errors()) : "")));
		text.append("  server: -Xmx%s, peak resident %d MiB%n".formatted(heap, this.peakResidentMib));
		List<String> problems = problems();
		if (!problems.isEmpty()) {
			text.append("  PROBLEMS: ").append(String.join("; ", problems)).append('\n');
		}
		return text.toString();
	}

	private static double seconds(Duration duration) {
		return duration.toNanos() / 1e9;
	}

	private static double millis(Duration duration) {
		return duration.toNanos() / 1e6;
	}

}
