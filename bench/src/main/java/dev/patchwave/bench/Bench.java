package dev.patchwave.bench;

import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.bench.fleet.FleetBench;
import dev.patchwave.connectors.simulator.SimulatorConnector;
import dev.patchwave.connectors.simulator.SimulatorConnectorFactory;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.rollout.RolloutRequest;
import dev.patchwave.orchestrator.rollout.RolloutRequest.WaveRequest;
import dev.patchwave.orchestrator.rollout.RolloutRow;
import dev.patchwave.orchestrator.rollout.RolloutService;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import dev.patchwave.orchestrator.target.TargetService;
import dev.patchwave.orchestrator.target.TargetSpec;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;

/**
 * Runs each scenario as a rollout over a fleet of its own, reached through a simulator of
 * its own, so the simulator's counts belong to that rollout alone; then prints the
 * figures.
 */
class Bench implements ApplicationRunner, ExitCodeGenerator {

	private static final String ACTOR = "bench";

	private static final String PATCH = "apex-central-2019-cp-7190";

	private static final String VULNERABLE = "14.0.6850";

	/**
	 * Often enough to notice the end promptly; the actual time comes from the engine's
	 * own stamps.
	 */
	private static final Duration POLL = Duration.ofMillis(50);

	/**
	 * Sets this run's connectors and targets apart, so a database can be measured on
	 * again.
	 */
	private final String runId = UUID.randomUUID().toString().substring(0, 8);

	private final BenchProperties properties;

	private final ConnectorInstances connectors;

	private final TargetService targets;

	private final RolloutService rollouts;

	private final RolloutStore store;

	private final DataSource dataSource;

	private final SshBench ssh;

	private int exitCode;

	Bench(BenchProperties properties, ConnectorInstances connectors, TargetService targets, RolloutService rollouts,
			RolloutStore store, DataSource dataSource, SshBench ssh) {
		this.properties = properties;
		this.ssh = ssh;
		this.connectors = connectors;
		this.targets = targets;
		this.rollouts = rollouts;
		this.store = store;
		this.dataSource = dataSource;
	}

	@Override
	public void run(ApplicationArguments args) throws Exception {
		boolean clean = true;
		if (this.properties.suites().contains("engine")) {
			clean = engine();
		}
		if (this.properties.suites().contains("ssh")) {
			clean &= ssh();
		}
		if (this.properties.suites().contains("fleet")) {
			clean &= new FleetBench(this.properties.fleet()).run();
		}
		this.exitCode = clean ? 0 : 1;
	}

	/** The simulator scenarios; whether all ended cleanly. */
	private boolean engine() throws Exception {
		// Taken before the bench loads the machine: other work running alongside skews
		// every figure.
		double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
		List<Measurement> measurements = new ArrayList<>();
		Measurement warmup = measure("warmup", this.properties.warmup());
		List<Scenario> scenarios = this.properties.toRun();
		for (int i = 0; i < scenarios.size(); i++) {
			measurements.add(measure("s" + (i + 1), scenarios.get(i)));
		}
		print(load, warmup, measurements);
		return warmup.problems().isEmpty()
				&& measurements.stream().allMatch(measurement -> measurement.problems().isEmpty());
	}

	/** The OpenSSH fleet scenarios; whether all ended cleanly. */
	private boolean ssh() throws Exception {
		double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
		BenchProperties.Ssh settings = this.properties.ssh();
		boolean ansible = settings.ansible() && AnsibleRun.installed();
		List<SshMeasurement> warmup = this.ssh.measure("warmup", settings.warmup(), 1, false, settings.warmupLogins());
		List<SshMeasurement> measurements = new ArrayList<>();
		for (int i = 0; i < settings.scenarios().size(); i++) {
			measurements
				.addAll(this.ssh.measure("s" + (i + 1), settings.scenarios().get(i), settings.rounds(), ansible));
		}
		System.out.println();
		System.out.println("Patchwave ssh bench: a real OpenSSH fleet on loopback, an install of 1 s, waves of 1, 10%,"
				+ " 30% and the rest at concurrency C; ideal = sum over waves of ceil(n/C) * 1 s; efficiency ="
				+ " ideal / install; cpu = the controller's process CPU time; cmds = commands sshd started");
		System.out.printf("JVM:   %s %s (%s)%n", System.getProperty("java.vm.vendor"),
				System.getProperty("java.vm.name"), Runtime.version());
		System.out.printf("DB:    %s%n", database());
		System.out.printf("Cores: %d available to the JVM; load average %.2f when the ssh bench started%s%n",
				Runtime.getRuntime().availableProcessors(), load,
				(settings.ansible() && !ansible) ? "; Ansible not installed, left out" : "");
		System.out.println(SshMeasurement.HEADER);
		warmup.forEach(measurement -> System.out.println(measurement.row() + " (warm-up, left out)"));
		measurements.forEach(measurement -> System.out.println(measurement.row()));
		System.out.println();
		this.ssh.fleetReports().stream().filter(line -> !line.startsWith("warmup ")).forEach(System.out::println);
		System.out.println();
		return Stream.concat(warmup.stream(), measurements.stream())
			.allMatch(measurement -> measurement.problems().isEmpty());
	}

	@Override
	public int getExitCode() {
		return this.exitCode;
	}

	private Measurement measure(String name, Scenario scenario) throws InterruptedException {
		String connector = "bench-%s-%s".formatted(this.runId, name);
		this.connectors.create(connector, SimulatorConnectorFactory.TYPE,
				Map.of("installLatency", scenario.latency().toString()));
		SimulatorConnector simulator = (SimulatorConnector) this.connectors.connector(connector);
		List<String> names = registerFleet(connector, scenario.targets());
		List<WaveRequest> waves = new ArrayList<>();
		for (int i = 0; i < scenario.waves().size(); i++) {
			Scenario.Wave wave = scenario.waves().get(i);
			waves.add(new WaveRequest("wave-" + (i + 1), Integer.toString(wave.targets()), wave.concurrency(), "0"));
		}
		long id = this.rollouts
			.create(new RolloutRequest(name + " " + scenario, PATCH, "run=" + connector, null, null, null, waves),
					ACTOR)
			.id();
		this.rollouts.start(id, ACTOR);
		RolloutRow rollout = awaitEnd(id);
		Duration actual = rollout.state() == RolloutState.SUCCEEDED
				? Duration.between(rollout.startedAt(), rollout.finishedAt()) : null;
		int installedTwice = (int) names.stream().filter(target -> simulator.installCount(target) > 1).count();
		Measurement measurement = new Measurement(scenario, rollout.state(), actual, simulator.maxInFlight(),
				simulator.totalInstalls(), installedTwice);
		System.out.println("bench " + name + ": " + measurement.row());
		return measurement;
	}

	/** Vulnerable targets, so that none is skipped: every one costs an install. */
	private List<String> registerFleet(String connector, int size) {
		List<TargetSpec> fleet = new ArrayList<>();
		for (int i = 0; i < size; i++) {
			fleet.add(
					new TargetSpec("%s-host-%05d".formatted(connector, i), "10.0.%d.%d".formatted(i / 250, i % 250 + 1),
							Map.of("run", connector, "app", "apex-central"), connector, VULNERABLE));
		}
		this.targets.upsert(fleet);
		return fleet.stream().map(TargetSpec::name).toList();
	}

	/**
	 * Waits for the rollout to end; one that runs out of time is aborted, so it cannot
	 * slow the next. Reads the rollout's row alone: the service's view counts every
	 * deployment, work that would compete with the engine being measured.
	 */
	private RolloutRow awaitEnd(long id) throws InterruptedException {
		Instant deadline = Instant.now().plus(this.properties.timeout());
		RolloutRow rollout = this.store.rollout(id).orElseThrow();
		while (rollout.state() == RolloutState.RUNNING && Instant.now().isBefore(deadline)) {
			Thread.sleep(POLL);
			rollout = this.store.rollout(id).orElseThrow();
		}
		if (rollout.state() == RolloutState.RUNNING) {
			this.rollouts.abort(id, ACTOR);
			rollout = this.store.rollout(id).orElseThrow();
		}
		return rollout;
	}

	private void print(double load, Measurement warmup, List<Measurement> measurements) throws SQLException {
		System.out.println();
		System.out.println("Patchwave engine bench: N targets at concurrency C, each install taking L;"
				+ " ideal = sum over waves of ceil(N/C)*L");
		System.out.printf("JVM:   %s %s (%s)%n", System.getProperty("java.vm.vendor"),
				System.getProperty("java.vm.name"), Runtime.version());
		System.out.printf("DB:    %s%n", database());
		System.out.printf("Cores: %d available to the JVM, %s %s; load average %.2f when the bench started%n",
				Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
				System.getProperty("os.arch"), load);
		System.out.printf("Warm-up %s%n%n", warmup.row());
		System.out.println(Measurement.HEADER);
		measurements.forEach(measurement -> System.out.println(measurement.row()));
		System.out.println();
	}

	private String database() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			DatabaseMetaData metadata = connection.getMetaData();
			// Settings and credentials follow the first ';' or '?': only the database's
			// address is shown.
			String url = metadata.getURL().split("[;?]")[0];
			return "%s %s at %s".formatted(metadata.getDatabaseProductName(), metadata.getDatabaseProductVersion(),
					url);
		}
	}

}
