package dev.patchwave.web.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchwave.connectors.simulator.SimulatorConnector;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.web.ApiClient;
import dev.patchwave.web.PatchwaveWebTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A deployment system that goes down mid-wave makes the rollout wait, counts no failure,
 * and recovers by itself.
 */
@PatchwaveWebTest
class ConnectorOutageTest {

	@LocalServerPort
	int port;

	@Autowired
	ConnectorInstances connectors;

	@Test
	void anOutageInTheMiddleOfAWaveHoldsTheRolloutWithoutFailuresUntilTheSystemAnswersAgain() {
		String run = UUID.randomUUID().toString().substring(0, 8);
		String connector = "sim-outage-" + run;
		ApiClient admin = new ApiClient(this.port, "admin");
		ApiClient operator = new ApiClient(this.port, "operator");
		assertThat(admin
			.post("/api/v1/connectors", ApiClient
				.json(Map.of("name", connector, "type", "simulator", "settings", Map.of("installLatency", "PT0.1S"))))
			.status()).isEqualTo(201);
		List<Map<String, Object>> targets = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			targets.add(Map.of("name", "%s-host-%02d".formatted(run, i), "address", "10.30.0." + (i + 1), "labels",
					Map.of("run", run), "connector", connector, "installedVersion", "14.0.6850"));
		}
		admin.post("/api/v1/targets", ApiClient.json(targets));
		long id = admin
			.post("/api/v1/rollouts", ApiClient.json(Map.of("name", "outage " + run, "patchId",
					"apex-central-2019-cp-7190", "selector", "run=" + run, "waves",
					List.of(Map.of("name", "all", "size", "100%", "maxConcurrency", 4, "failureThreshold", "0")))))
			.json()
			.get("id")
			.asLong();
		SimulatorConnector simulator = (SimulatorConnector) this.connectors.connector(connector);

		operator.post("/api/v1/rollouts/%d/start".formatted(id));
		await().atMost(Duration.ofSeconds(30)).until(() -> simulator.totalInstalls() >= 8);
		simulator.startOutage();

		JsonNode waiting = await().atMost(Duration.ofSeconds(30))
			.until(() -> operator.get("/api/v1/rollouts/" + id).json(),
					rollout -> rollout.get("waitingFor").size() == 1);
		assertThat(waiting.get("state").asString()).isEqualTo("RUNNING");
		assertThat(waiting.at("/waitingFor/0/connector").asString()).isEqualTo(connector);
		assertThat(waiting.at("/waitingFor/0/status").asString()).isEqualTo("DOWN");
		assertThat(waiting.at("/waitingFor/0/detail").asString()).contains("outage");
		assertThat(waiting.at("/totals/failed").asInt()).isZero();
		int installsDuringOutage = simulator.totalInstalls();
		assertThat(admin.get("/api/v1/connectors").json().findValues("name").stream().map(JsonNode::asString))
			.contains(connector);

		simulator.endOutage();

		await().atMost(Duration.ofSeconds(30))
			.until(() -> operator.get("/api/v1/rollouts/" + id).json().get("state").asString().equals("SUCCEEDED"));
		JsonNode done = operator.get("/api/v1/rollouts/" + id).json();
		assertThat(done.at("/totals/succeeded").asInt()).isEqualTo(40);
		assertThat(done.at("/totals/failed").asInt()).isZero();
		assertThat(done.get("waitingFor")).isEmpty();
		assertThat(simulator.totalInstalls()).isGreaterThan(installsDuringOutage).isEqualTo(40);
		List<String> events = new ArrayList<>();
		operator.get("/api/v1/rollouts/%d/events?limit=1000".formatted(id))
			.json()
			.forEach(event -> events.add(event.get("type").asString()));
		assertThat(events).containsSubsequence("CONNECTOR_UNAVAILABLE", "CONNECTOR_AVAILABLE")
			.doesNotContain("TARGET_FAILED", "HALTED");
	}

}
