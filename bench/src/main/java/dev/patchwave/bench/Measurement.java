package dev.patchwave.bench;

import dev.patchwave.common.rollout.RolloutState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one scenario did.
 *
 * @param actual from the rollout's start to its success, as the engine stamped them; null
 * if it did not succeed
 * @param peak the most installs the simulator had in flight at once
 * @param installs the installs the simulator started
 * @param installedTwice the targets the simulator installed more than once
 */
record Measurement(Scenario scenario, RolloutState state, Duration actual, int peak, int installs, int installedTwice) {

	private static final String FORMAT = "%-30s %7s %8s %8s %6s %10s %9s %8s  %s";

	static final String HEADER = FORMAT.formatted("scenario", "targets", "ideal", "actual", "ratio", "installs/s",
			"peak/exp", "installs", "result");

	List<String> problems() {
		List<String> problems = new ArrayList<>();
		if (this.state == RolloutState.ABORTED) {
			problems.add("timed out, aborted");
		}
		else if (this.state != RolloutState.SUCCEEDED) {
			problems.add("ended " + this.state);
		}
		if (this.installedTwice > 0) {
			problems.add(this.installedTwice + " targets installed twice");
		}
		if (this.installs != this.scenario.targets()) {
			problems.add(this.installs + " installs for " + this.scenario.targets() + " targets");
		}
		if (this.peak > this.scenario.expectedPeak()) {
			problems.add(this.peak + " installs in flight, more than the slots allow");
		}
		return problems;
	}

	String row() {
		Duration ideal = this.scenario.ideal();
		boolean succeeded = this.actual != null;
		// Fewer in flight than slots is no fault: at short latencies installs end before
		// every slot is filled.
		String result = !problems().isEmpty() ? "FAILED: " + String.join("; ", problems())
				: this.peak < this.scenario.expectedPeak() ? "ok, slots never all filled" : "ok";
		return FORMAT.formatted(this.scenario, this.scenario.targets(), seconds(ideal),
				succeeded ? seconds(this.actual) : "-",
				succeeded ? "%.2f".formatted((double) this.actual.toNanos() / ideal.toNanos()) : "-",
				succeeded ? "%.1f".formatted(this.scenario.targets() / (this.actual.toNanos() / 1e9)) : "-",
				this.peak + "/" + this.scenario.expectedPeak(), this.installs, result);
	}

	private static String seconds(Duration duration) {
		return "%.2fs".formatted(duration.toNanos() / 1e9);
	}

}
