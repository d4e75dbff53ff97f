package dev.patchwave.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.wave.WaveState;
import dev.patchwave.connectors.ssh.SshConnectorFactory;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.rollout.RolloutRequest;
import dev.patchwave.orchestrator.rollout.RolloutRequest.WaveRequest;
import dev.patchwave.orchestrator.rollout.RolloutRow;
import dev.patchwave.orchestrator.rollout.RolloutService;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import dev.patchwave.orchestrator.rollout.WaveRow;
import dev.patchwave.orchestrator.target.TargetService;
import dev.patchwave.orchestrator.target.TargetSpec;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Rollouts through the ssh connector over a real OpenSSH fleet of its own: the install in
 * waves of 1, 10%, 30% and the rest, then the rollback of every host, each timed, with
 * the controller's CPU and the commands sshd started. The same connector runs the rollout
 * twice: first logging in to every host, then over the sessions it kept. Ansible may run
 * the same plan on the same fleet, for comparison.
 */
class SshBench {

	static final Duration INSTALL = Duration.ofSeconds(1);

	private static final String ACTOR = "bench";

	private static final String PATCH = "apex-central-2019-cp-7190";

	/** Often enough to notice the end promptly; times come from the engine's stamps. */
	private static final Duration POLL = Duration.ofMillis(50);

	private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private final String runId = UUID.randomUUID().toString().substring(0, 8);

	private final ConnectorInstances connectors;

	private final TargetService targets;

	private final RolloutService rollouts;

	private final RolloutStore store;

	private final Duration timeout;

	private final List<String> fleetReports = new ArrayList<>();

	SshBench(ConnectorInstances connectors, TargetService targets, RolloutService rollouts, RolloutStore store,
			Duration timeout) {
		this.connectors = connectors;
		this.targets = targets;
		this.rollouts = rollouts;
		this.store = store;
		this.timeout = timeout;
	}

	/**
	 * Starts a fleet for the scenario, runs Patchwave's rollouts on it (and Ansible's
	 * when asked), then stops the fleet.
	 */
	List<SshMeasurement> measure(String name, SshScenario scenario, int rounds, boolean ansible) throws Exception {
		return measure(name, scenario, rounds, ansible, 0);
	}

	/**
	 * As {@link #measure(String, SshScenario, int, boolean)}, then logs in to the fleet
	 * {@code warmupLogins} times before it stops: for the warm-up.
	 */
	List<SshMeasurement> measure(String name, SshScenario scenario, int rounds, boolean ansible, int warmupLogins)
			throws Exception {
		List<SshMeasurement> measurements = new ArrayList<>();
		try (SshFleet fleet = SshFleet.start(scenario.hosts())) {
			String connector = "ssh-%s-%s".formatted(this.runId, name);
			this.connectors.create(connector, SshConnectorFactory.TYPE, settings(fleet, scenario));
			Duration fleetCpu = fleet.cpu();
			try {
				for (int round = 0; round < rounds; round++) {
					String tool = (round == 0) ? "patchwave, first rollout" : "patchwave, sessions kept";
					measurements
						.add(patchwave(tool, "%s-r%d".formatted(connector, round + 1), connector, fleet, scenario));
					System.out.println("bench ssh " + name + ": " + measurements.getLast().row());
				}
			}
			finally {
				this.connectors.connector(connector).close();
			}
			report(name, scenario, fleetCpu, fleet.cpu(), rounds);
			if (warmupLogins > 0) {
				System.out.printf("bench ssh %s: %d logins to warm up MINA's login path took %.1f s%n", name,
						warmupLogins, LoginWarmUp.run(fleet, warmupLogins).toMillis() / 1000.0);
			}
			if (ansible) {
				measurements.add(new AnsibleRun(fleet, scenario).measure());
				System.out.println("bench ssh " + name + ": " + measurements.getLast().row());
			}
		}
		return measurements;
	}

	/**
	 * Prints the fleet's CPU per host and rollout: on this machine the fleet shares the
	 * controller's cores, so what the hosts spend slows the rollout too. Patchwave's
	 * only: Ansible's connection masters outlive its runs, so its share is not told apart
	 * reliably.
	 */
	private void report(String name, SshScenario scenario, Duration before, Duration after, int rollouts) {
		String line = "%s patchwave %s: fleet CPU %.1f ms per host and rollout (install and rollback, logins included)"
			.formatted(name, scenario, after.minus(before).toNanos() / 1e6 / scenario.hosts() / rollouts);
		System.out.println("bench ssh " + line);
		this.fleetReports.add(line);
	}

	/** What {@link #report} printed, for the summary. */
	List<String> fleetReports() {
		return List.copyOf(this.fleetReports);
	}

	private static Map<String, String> settings(SshFleet fleet, SshScenario scenario) {
		String slots = Integer.toString(scenario.concurrency());
		return Map.ofEntries(Map.entry("user", fleet.user(scenario.shell())),
				Map.entry("privateKey", fleet.privateKey()), Map.entry("knownHosts", fleet.knownHosts()),
				Map.entry("port", Integer.toString(fleet.port())),
				// As many commands and logins at once as the waves have slots, and no
				// rate limit below a wave's logins: the defaults (20) suit an API, not a
				// fleet.
				Map.entry("maxSessions", slots), Map.entry("maxConcurrentCalls", slots),
				Map.entry("callsPerSecond", "1000"),
				Map.entry("install." + PATCH, fleet.installer() + " {{target.name}}"),
				Map.entry("verify." + PATCH, fleet.verifier() + " {{target.name}}"),
				Map.entry("rollback." + PATCH, fleet.rollbacker() + " {{target.name}}"));
	}

	/**
	 * One rollout of the fleet and its rollback. A last wave of one host where nothing
	 * listens fails and halts the rollout once every fleet host is installed: only a
	 * halted rollout can be rolled back.
	 */
	private SshMeasurement patchwave(String tool, String label, String connector, SshFleet fleet, SshScenario scenario)
			throws Exception {
		List<TargetSpec> fleetTargets = new ArrayList<>();
		for (int host = 0; host < fleet.size(); host++) {
			fleetTargets.add(target(label, "%s-h%04d".formatted(label, host),
					SshFleet.address(host) + ":" + fleet.port(), connector));
		}
		// Sorted after the fleet's hosts, so the planner puts it in the last wave.
		TargetSpec tripwire = target(label, label + "-zz-tripwire", "127.0.3.254:" + fleet.port(), connector);
		List<TargetSpec> all = new ArrayList<>(fleetTargets);
		all.add(tripwire);
		this.targets.upsert(all);
		List<WaveRequest> waves = new ArrayList<>();
		int[] sizes = scenario.waves();
		for (int i = 0; i < sizes.length; i++) {
			waves.add(new WaveRequest("wave-" + (i + 1), Integer.toString(sizes[i]), scenario.concurrency(), "0"));
		}
		waves.add(new WaveRequest("tripwire", "100%", 1, "0"));

		Map<String, Integer> installsBefore = fleet.installs(scenario.shell());
		Map<String, Integer> rollbacksBefore = fleet.rollbacks(scenario.shell());
		long id = this.rollouts
			.create(new RolloutRequest(tool + " " + scenario, PATCH, "run=" + label, null, null, null, waves), ACTOR)
			.id();
		long commands = fleet.commandsStarted();
		long cpu = OS.getProcessCpuTime();
		this.rollouts.start(id, ACTOR);
		List<String> problems = new ArrayList<>();
		boolean installed = await(id, rollout -> rollout.state() != RolloutState.RUNNING
				|| this.store.waves(id).get(sizes.length - 1).finishedAt() != null);
		Duration installCpu = Duration.ofNanos(OS.getProcessCpuTime() - cpu);
		long installCommands = fleet.commandsStarted() - commands;
		List<WaveRow> planned = this.store.waves(id);
		Duration ideal = Duration.ZERO;
		List<Duration> waveTimes = new ArrayList<>();
		for (WaveRow wave : planned.subList(0, sizes.length)) {
			if (wave.startedAt() != null && wave.finishedAt() != null) {
				waveTimes.add(Duration.between(wave.startedAt(), wave.finishedAt()));
			}
			ideal = ideal.plus(INSTALL.multipliedBy(Math.ceilDiv(wave.targetCount(), wave.maxConcurrency())));
			if (wave.state() != WaveState.SUCCEEDED) {
				problems.add("wave %s ended %s".formatted(wave.name(), wave.state()));
			}
		}
		WaveRow last = planned.get(sizes.length - 1);
		Duration install = (installed && last.finishedAt() != null)
				? Duration.between(this.store.rollout(id).orElseThrow().startedAt(), last.finishedAt()) : null;
		if (!await(id, rollout -> rollout.state() != RolloutState.RUNNING)) {
			// So that it cannot slow the next round.
			this.rollouts.abort(id, ACTOR);
			problems.add("timed out after " + this.timeout + ", aborted");
		}

		Duration rollback = null;
		Duration rollbackCpu = null;
		long rollbackCommands = 0;
		if (this.store.rollout(id).orElseThrow().state() == RolloutState.HALTED) {
			commands = fleet.commandsStarted();
			cpu = OS.getProcessCpuTime();
			Instant start = Instant.now();
			this.rollouts.rollback(id, ACTOR);
			if (await(id, rollout -> rollout.state() != RolloutState.ROLLING_BACK)) {
				RolloutRow ended = this.store.rollout(id).orElseThrow();
				rollbackCpu = Duration.ofNanos(OS.getProcessCpuTime() - cpu);
				rollbackCommands = fleet.commandsStarted() - commands;
				rollback = Duration.between(start, ended.finishedAt());
				if (ended.state() != RolloutState.ROLLED_BACK) {
					problems.add("rollback ended " + ended.state());
				}
			}
			else {
				problems.add("rollback timed out");
			}
		}
		else {
			problems.add("rollout ended %s, not halted by the tripwire"
				.formatted(this.store.rollout(id).orElseThrow().state()));
		}
		List<String> names = fleetTargets.stream().map(TargetSpec::name).toList();
		problems.addAll(onceEach("installed", installsBefore, fleet.installs(scenario.shell()), names));
		problems.addAll(onceEach("rolled back", rollbacksBefore, fleet.rollbacks(scenario.shell()), names));
		return new SshMeasurement(tool, scenario, ideal, install, installCpu, installCommands, rollback, rollbackCpu,
				rollbackCommands, waveTimes, problems);
	}

	/** The hosts whose count did not grow by exactly one, as problems. */
	static List<String> onceEach(String what, Map<String, Integer> before, Map<String, Integer> after,
			List<String> hosts) {
		long twice = 0;
		long never = 0;
		for (String host : hosts) {
			int times = after.getOrDefault(host, 0) - before.getOrDefault(host, 0);
			twice += (times > 1) ? 1 : 0;
			never += (times < 1) ? 1 : 0;
		}
		List<String> problems = new ArrayList<>();
		if (twice > 0) {
			problems.add("%d hosts %s more than once".formatted(twice, what));
		}
		if (never > 0) {
			problems.add("%d hosts never %s".formatted(never, what));
		}
		return problems;
	}

	/**
	 * Vulnerable again, so that none is skipped: the previous round's rollback left them
	 * so too.
	 */
	private static TargetSpec target(String label, String name, String address, String connector) {
		return new TargetSpec(name, address, Map.of("run", label, "app", "apex-central"), connector,
				FleetScripts.VULNERABLE);
	}

	/**
	 * Waits until the rollout's row satisfies the condition or the timeout passes;
	 * whether it did.
	 */
	private boolean await(long id, Predicate<RolloutRow> done) throws InterruptedException {
		Instant deadline = Instant.now().plus(this.timeout);
		while (Instant.now().isBefore(deadline)) {
			if (done.test(this.store.rollout(id).orElseThrow())) {
				return true;
			}
			Thread.sleep(POLL);
		}
		return false;
	}

}
