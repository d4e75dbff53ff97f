package dev.patchwave.bench.fleet;

import dev.patchwave.bench.Scenario;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.context.properties.bind.DefaultValue;
import tools.jackson.databind.JsonNode;

/**
 * Patchwave at fleet scale, measured from outside as its users meet it: the packaged
 * application in its own JVM with a bounded heap, on PostgreSQL; a fleet registered
 * through the API, a rollout created and started through it, and clients reading the
 * rollout and the fleet's exposure all the while.
 */
public final class FleetBench {

	private static final String PATCH = "apex-central-2019-cp-7190";

	private static final String VULNERABLE = "14.0.6850";

	/**
	 * How often the bench looks whether the rollout ended; its times come from the
	 * server's stamps.
	 */
	private static final Duration POLL = Duration.ofMillis(500);

	/** How long the readers read before the rollout starts. */
	private static final Duration READERS_BEFORE_START = Duration.ofSeconds(3);

	private final String runId = UUID.randomUUID().toString().substring(0, 8);

	private final Settings settings;

	public FleetBench(Settings settings) {
		this.settings = settings;
	}

	/** Runs every scenario, prints the figures; whether all ended cleanly. */
	public boolean run() throws Exception {
		double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
		List<FleetMeasurement> measurements = measure(this.settings.scenarios());
		System.out.println();
		System.out.println("Patchwave fleet bench: the application jar in its own JVM on PostgreSQL; targets registered"
				+ " and the rollout created and started through the API, " + this.settings.readers()
				+ " clients reading GET rollout and GET patches (exposure) while it runs, " + pace());
		System.out.printf("Cores: %d; load average %.2f when the fleet bench started%n",
				Runtime.getRuntime().availableProcessors(), load);
		measurements.forEach(measurement -> System.out.print(measurement.report(this.settings.heap())));
		System.out.println();
		return measurements.stream().allMatch(measurement -> measurement.problems().isEmpty());
	}

	private String pace() {
		Duration interval = this.settings.readerInterval();
		return interval.isZero() ? "each as fast as the server answers" : "each once every %d ms (%.0f reads/s in all)"
			.formatted(interval.toMillis(), this.settings.readers() * 1000.0 / interval.toMillis());
	}

	/** Measures the scenarios on one server, one after the other. */
	public List<FleetMeasurement> measure(List<Scenario> scenarios) throws Exception {
		List<FleetMeasurement> measurements = new ArrayList<>();
		try (FleetDatabase database = FleetDatabase.of(this.settings.jdbcUrl(), "postgres", this.runId);
				PatchwaveServer server = PatchwaveServer.start(this.settings.jar(), this.settings.heap(),
						this.settings.jvmOptions(), database, Duration.ofMinutes(3))) {
			for (int i = 0; i < scenarios.size(); i++) {
				measurements.add(measure(server, "s" + (i + 1), scenarios.get(i)));
			}
		}
		return measurements;
	}

	private FleetMeasurement measure(PatchwaveServer server, String name, Scenario scenario)
			throws InterruptedException {
		ApiClient api = server.api();
		String admin = ApiClient.basic("admin", server.password());
		// readers sign in as automation does: a token, not a password checked on every
		// call
		String viewer = "Bearer " + api
			.post("/api/v1/tokens", ApiClient.basic("viewer", server.password()), Map.of("name", "fleet bench " + name))
			.get("token")
			.asString();
		String connector = "fleet-%s-%s".formatted(this.runId, name);
		api.post("/api/v1/connectors", admin, Map.of("name", connector, "type", "simulator", "settings",
				Map.of("installLatency", scenario.latency().toString())));

		Instant registering = Instant.now();
		register(api, admin, connector, scenario.targets());
		Duration registration = Duration.between(registering, Instant.now());

		Instant creating = Instant.now();
		long id = api.post("/api/v1/rollouts", admin, rollout(name, connector, scenario)).get("id").asLong();
		Duration creation = Duration.between(creating, Instant.now());

		JsonNode rollout;
		Map<String, Latencies> reads;
		try (Readers readers = Readers.start(api, viewer, List.of("/api/v1/rollouts/" + id, "/api/v1/patches"),
				this.settings.readers(), this.settings.readerInterval())) {
			// Dashboards poll before anyone starts a rollout: the clients' own start-up
			// and the first build of what the server keeps for readers are not the run's.
			Thread.sleep(READERS_BEFORE_START);
			readers.measureFrom(System.nanoTime());
			api.post("/api/v1/rollouts/%d/start".formatted(id), admin, Map.of());
			rollout = awaitEnd(api, admin, id, server);
			reads = readers.latencies();
		}
		String state = rollout.get("state").asString();
		Duration actual = "SUCCEEDED".equals(state)
				? Duration.between(Instant.parse(rollout.get("startedAt").asString()),
						Instant.parse(rollout.get("finishedAt").asString()))
				: null;
		FleetMeasurement measurement = new FleetMeasurement(scenario, registration, creation, state, actual,
				rollout.get("totals").get("succeeded").asInt(), reads, server.peakResidentMib());
		System.out.print("fleet " + name + ": " + measurement.report(this.settings.heap()));
		return measurement;
	}

	/**
	 * Vulnerable targets, so none is skipped: every one costs an install; sent as one CSV
	 * file, which the server reads as a stream.
	 */
	private static void register(ApiClient api, String authorization, String connector, int count) {
		StringBuilder csv = new StringBuilder(
				"name,address,connector,installedVersion,label.run,label.app,label.site\n");
		for (int i = 0; i < count; i++) {
			csv.append("%s-host-%06d,10.%d.%d.%d,%s,%s,%s,apex-central,site-%d%n".formatted(connector, i, i / 62500,
					i / 250 % 250, i % 250 + 1, connector, VULNERABLE, connector, i % 7));
		}
		api.post("/api/v1/targets/import", authorization, "text/csv", csv.toString());
	}

	private static Map<String, Object> rollout(String name, String connector, Scenario scenario) {
		List<Map<String, Object>> waves = new ArrayList<>();
		for (int i = 0; i < scenario.waves().size(); i++) {
			Scenario.Wave wave = scenario.waves().get(i);
			waves.add(Map.of("name", "wave-" + (i + 1), "size", Integer.toString(wave.targets()), "maxConcurrency",
					wave.concurrency(), "failureThreshold", "0"));
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("name", "fleet bench %s %s".formatted(name, scenario));
		body.put("patchId", PATCH);
		body.put("selector", "run=" + connector);
		body.put("waves", waves);
		return body;
	}

	private JsonNode awaitEnd(ApiClient api, String authorization, long id, PatchwaveServer server)
			throws InterruptedException {
		Instant deadline = Instant.now().plus(this.settings.timeout());
		JsonNode rollout = api.get("/api/v1/rollouts/" + id, authorization);
		while ("RUNNING".equals(rollout.get("state").asString()) && Instant.now().isBefore(deadline)) {
			if (!server.alive()) {
				throw new IllegalStateException("Patchwave died mid-rollout; see " + server.log().toAbsolutePath());
			}
			// polling another process: there is nothing to wait on but time
			Thread.sleep(POLL);
			rollout = api.get("/api/v1/rollouts/" + id, authorization);
		}
		return rollout;
	}

	/**
	 * @param scenarios the rollouts to measure, see {@link Scenario}
	 * @param readers how many clients read the API while a rollout runs
	 * @param readerInterval how often each of them reads: a dashboard polls every few
	 * seconds, so the default of 100 ms is a busy client; zero reads as fast as the
	 * server answers, which on a machine shared with the server measures how reads and
	 * the engine compete for its cores rather than how fast a read is
	 * @param heap the server's -Xmx
	 * @param jar the application jar
	 * @param jdbcUrl a PostgreSQL database to run on, or empty for a throwaway one on
	 * 127.0.0.1:5432
	 * @param timeout how long a rollout may run before the bench gives up on it
	 * @param jvmOptions more options for the server's JVM, such as a flight recording
	 */
	public record Settings(@DefaultValue("100000x2000@2s") List<Scenario> scenarios, @DefaultValue("20") int readers,
			@DefaultValue("PT0.1S") Duration readerInterval, @DefaultValue("512m") String heap,
			@DefaultValue("../web/target/patchwave.jar") Path jar, @DefaultValue("") String jdbcUrl,
			@DefaultValue("PT15M") Duration timeout, @DefaultValue("") List<String> jvmOptions) {

	}

}
