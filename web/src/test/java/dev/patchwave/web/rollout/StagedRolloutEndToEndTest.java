package dev.patchwave.web.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchwave.connectors.simulator.SimulatorConnector;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.web.ApiClient;
import dev.patchwave.web.ApiClient.Response;
import dev.patchwave.web.PatchwaveWebTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * 200 simulated targets in three waves, driven only through the API, as a change manager
 * and an operator would. Each wave's targets sit behind a simulator of their own, so each
 * simulator's peak of concurrent installs is that wave's real concurrency.
 */
@PatchwaveWebTest
class StagedRolloutEndToEndTest {

	private static final int TARGETS = 200;

	private static final List<String> WAVES = List.of("canary", "early", "broad");

	private static final int[] WAVE_SIZES = { 10, 57, 133 };

	private static final int[] CONCURRENCY = { 5, 20, 40 };

	@LocalServerPort
	int port;

	@Autowired
	ConnectorInstances connectors;

	private ApiClient admin;

	private ApiClient manager;

	private ApiClient operator;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	@BeforeEach
	void clients() {
		this.admin = new ApiClient(this.port, "admin");
		this.manager = new ApiClient(this.port, "manager");
		this.operator = new ApiClient(this.port, "operator");
	}

	@Test
	void rollsOutWaveByWaveWithinConcurrencyInstallingEveryTargetExactlyOnce() {
		String tag = this.run + "-ok";
		registerFleet(tag, index -> false);
		long id = createRollout(tag, "0");

		assertThat(this.operator.post("/api/v1/rollouts/%d/start".formatted(id)).status()).isEqualTo(200);

		JsonNode done = awaitState(id, "SUCCEEDED");
		assertThat(done.at("/totals/succeeded").asInt()).isEqualTo(TARGETS);
		List<JsonNode> deployments = deployments(id);
		assertThat(deployments).hasSize(TARGETS)
			.allSatisfy(d -> assertThat(d.get("state").asString()).isEqualTo("SUCCEEDED"));
		assertWavesRanInOrder(deployments);
		for (int wave = 0; wave < WAVES.size(); wave++) {
			SimulatorConnector simulator = simulator(tag, wave);
			assertThat(simulator.maxInFlight()).as("peak concurrent installs in wave %s", WAVES.get(wave))
				.isBetween(1, CONCURRENCY[wave]);
			assertThat(simulator.totalInstalls()).isEqualTo(WAVE_SIZES[wave]);
		}
		for (int i = 0; i < TARGETS; i++) {
			assertThat(simulator(tag, waveOf(i)).installCount(name(tag, i))).as(name(tag, i)).isEqualTo(1);
		}
	}

	@Test
	void haltsInTheWaveWhoseFailuresPassItsThresholdAndNeverTouchesTheNextWave() {
		String tag = this.run + "-halt";
		registerFleet(tag, index -> index >= 20 && index < 25);
		long id = createRollout(tag, "2");

		this.operator.post("/api/v1/rollouts/%d/start".formatted(id));

		awaitState(id, "HALTED");
		await().atMost(Duration.ofSeconds(30)).until(() -> rollout(id).at("/totals/dispatched").asInt() == 0);
		JsonNode halted = rollout(id);
		assertThat(halted.get("state").asString()).isEqualTo("HALTED");
		assertThat(halted.at("/waves/0/state").asString()).isEqualTo("SUCCEEDED");
		assertThat(halted.at("/waves/1/state").asString()).isEqualTo("HALTED");
		assertThat(halted.at("/waves/1/counts/failed").asInt()).isBetween(3, 5);
		assertThat(halted.at("/waves/2/state").asString()).isEqualTo("PENDING");
		assertThat(halted.at("/waves/2/counts/pending").asInt()).isEqualTo(WAVE_SIZES[2]);
		assertThat(simulator(tag, 2).totalInstalls()).as("installs in the wave after the halt").isZero();
		List<JsonNode> failed = items(this.operator.get("/api/v1/rollouts/%d/deployments?state=FAILED".formatted(id)));
		assertThat(failed).allSatisfy(d -> {
			assertThat(d.get("exitCode").asInt()).isEqualTo(1603);
			assertThat(d.get("cause").asString()).isEqualTo("FATAL_TARGET_ERROR");
		});
		List<String> events = items(this.operator.get("/api/v1/rollouts/%d/events?limit=1000".formatted(id))).stream()
			.map(event -> event.get("type").asString())
			.toList();
		assertThat(events).contains("HALTED").doesNotContain("SUCCEEDED");
		// a halted rollout holds its targets; other tests plan rollouts over the whole
		// fleet
		assertThat(this.operator.post("/api/v1/rollouts/%d/abort".formatted(id)).status()).isEqualTo(200);
	}

	/**
	 * Targets named in wave order; each wave's targets behind a simulator of their own.
	 */
	private void registerFleet(String tag, IntPredicate failing) {
		// no reboot-pending successes: a target waiting for its reboot stays exposed, and
		// these rollouts are to succeed wave by wave
		for (int wave = 0; wave < WAVES.size(); wave++) {
			Response created = this.admin.post("/api/v1/connectors",
					ApiClient.json(Map.of("name", connector(tag, wave), "type", "simulator", "settings",
							Map.of("installLatency", "PT0.04S", "latencyJitter", "PT0.04S", "rebootRate", 0.0))));
			assertThat(created.status()).as(created.body()).isEqualTo(201);
		}
		List<Map<String, Object>> targets = new ArrayList<>();
		for (int i = 0; i < TARGETS; i++) {
			Map<String, String> labels = new LinkedHashMap<>(Map.of("run", tag, "app", "apex-central"));
			if (failing.test(i)) {
				labels.put("simulate", "fail");
			}
			targets.add(Map.of("name", name(tag, i), "address", "10.20.%d.%d".formatted(i / 250, i % 250 + 1), "labels",
					labels, "connector", connector(tag, waveOf(i)), "installedVersion", "14.0.6850"));
		}
		Response registered = this.manager.post("/api/v1/targets", ApiClient.json(targets));
		assertThat(registered.status()).as(registered.body()).isEqualTo(200);
		assertThat(registered.json().get("created").asInt()).isEqualTo(TARGETS);
	}

	private long createRollout(String tag, String earlyThreshold) {
		Map<String, Object> request = Map.of("name", "e2e " + tag, "patchId", "apex-central-2019-cp-7190", "selector",
				"run=" + tag, "advance", "AUTO", "waves",
				List.of(wave(0, "10", "0"), wave(1, "30%", earlyThreshold), wave(2, "100%", "0")));
		Response created = this.manager.post("/api/v1/rollouts", ApiClient.json(request));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		JsonNode rollout = created.json();
		assertThat(created.location()).isEqualTo("/api/v1/rollouts/" + rollout.get("id").asLong());
		assertThat(StreamSupport.stream(rollout.get("waves").spliterator(), false).map(w -> w.get("targets").asInt()))
			.containsExactly(WAVE_SIZES[0], WAVE_SIZES[1], WAVE_SIZES[2]);
		return rollout.get("id").asLong();
	}

	private static Map<String, Object> wave(int wave, String size, String threshold) {
		return Map.of("name", WAVES.get(wave), "size", size, "maxConcurrency", CONCURRENCY[wave], "failureThreshold",
				threshold);
	}

	private JsonNode awaitState(long id, String state) {
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> rollout(id).get("state").asString().equals(state));
		return rollout(id);
	}

	private JsonNode rollout(long id) {
		return this.operator.get("/api/v1/rollouts/" + id).json();
	}

	private List<JsonNode> deployments(long id) {
		return items(this.operator.get("/api/v1/rollouts/%d/deployments?size=500".formatted(id)));
	}

	private static List<JsonNode> items(Response response) {
		JsonNode body = response.json();
		JsonNode items = body.isArray() ? body : body.get("items");
		return StreamSupport.stream(items.spliterator(), false).toList();
	}

	/**
	 * No target of a wave was dispatched before every target of the wave before had its
	 * result.
	 */
	private static void assertWavesRanInOrder(List<JsonNode> deployments) {
		for (int wave = 1; wave < WAVES.size(); wave++) {
			int previous = wave - 1;
			int current = wave;
			Instant previousDone = deployments.stream()
				.filter(d -> d.get("wave").asInt() == previous)
				.map(d -> Instant.parse(d.get("finishedAt").asString()))
				.max(Comparator.naturalOrder())
				.orElseThrow();
			assertThat(deployments.stream()
				.filter(d -> d.get("wave").asInt() == current)
				.map(d -> Instant.parse(d.get("dispatchedAt").asString())))
				.as("dispatch times of wave %s", WAVES.get(wave))
				.hasSize(WAVE_SIZES[wave])
				.allSatisfy(at -> assertThat(at).isAfterOrEqualTo(previousDone));
		}
	}

	private SimulatorConnector simulator(String tag, int wave) {
		return (SimulatorConnector) this.connectors.connector(connector(tag, wave));
	}

	private static int waveOf(int index) {
		return index < WAVE_SIZES[0] ? 0 : index < WAVE_SIZES[0] + WAVE_SIZES[1] ? 1 : 2;
	}

	private static String connector(String tag, int wave) {
		return "sim-%s-%d".formatted(tag, wave);
	}

	private static String name(String tag, int index) {
		return "e2e-%s-host-%03d".formatted(tag, index);
	}

}
