package dev.patchwave.bench;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What one tool did on one ssh scenario: an install rollout, then the rollback of every
 * host it installed.
 *
 * @param tool who ran it, and how ("patchwave, first rollout")
 * @param ideal the waves' install time had every slot refilled at once: the sum of
 * ceil(n/C) times 1 s
 * @param install from the rollout's start to its last wave's end; null if it did not get
 * there
 * @param cpu the controller's CPU time over the install, its logins included
 * @param commands the commands the fleet's sshd processes started during the install
 * @param rollback from the rollback's start to its end; null if it did not end
 * @param rollbackCpu the controller's CPU time over the rollback
 * @param rollbackCommands the commands sshd started during the rollback
 * @param waves how long each wave took, from its start to its end; empty when not known
 * @param problems what went wrong: a host installed twice or never, a rollout that did
 * not end as planned
 */
record SshMeasurement(String tool, SshScenario scenario, Duration ideal, Duration install, Duration cpu, long commands,
		Duration rollback, Duration rollbackCpu, long rollbackCommands, List<Duration> waves, List<String> problems) {

	private static final String FORMAT = "%-26s %-16s %6s %8s %6s %9s %9s %9s %9s %9s  %-20s %s";

	static final String HEADER = FORMAT.formatted("tool", "scenario", "ideal", "install", "eff.", "cpu/host",
			"cmds/host", "rollback", "cpu/host", "cmds/host", "waves (s)", "result");

	SshMeasurement {
		waves = List.copyOf(waves);
		problems = List.copyOf(problems);
	}

	String row() {
		int hosts = this.scenario.hosts();
		return FORMAT.formatted(this.tool, this.scenario, seconds(this.ideal), seconds(this.install),
				(this.install != null) ? "%.2f".formatted((double) this.ideal.toNanos() / this.install.toNanos()) : "-",
				perHost(this.cpu), "%.2f".formatted((double) this.commands / hosts), seconds(this.rollback),
				perHost(this.rollbackCpu), "%.2f".formatted((double) this.rollbackCommands / hosts),
				this.waves.isEmpty() ? "-"
						: this.waves.stream()
							.map(wave -> "%.2f".formatted(wave.toNanos() / 1e9))
							.collect(Collectors.joining("/")),
				this.problems.isEmpty() ? "ok" : "FAILED: " + String.join("; ", this.problems));
	}

	private String perHost(Duration cpu) {
		return (cpu != null) ? "%.1fms".formatted(cpu.toNanos() / 1e6 / this.scenario.hosts()) : "-";
	}

	private static String seconds(Duration duration) {
		return (duration != null) ? "%.2fs".formatted(duration.toNanos() / 1e9) : "-";
	}

}
