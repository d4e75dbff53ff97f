package dev.patchwave.web.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchwave.web.ApiClient;
import dev.patchwave.web.ApiClient.Response;
import dev.patchwave.web.PatchwaveWebTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A rollout through the AWX connector against an AWX that keeps state: batches become
 * jobs, AWX goes down in the middle of a wave and comes back, and the token never shows
 * in a response or a log line.
 */
@PatchwaveWebTest
@ExtendWith(OutputCaptureExtension.class)
class AwxRolloutTest {

	@LocalServerPort
	int port;

	private final List<String> responses = new ArrayList<>();

	@Test
	void rollsOutThroughAwxWaitsOutAnOutageWithoutFailuresAndNeverShowsTheToken(CapturedOutput output)
			throws Exception {
		String run = UUID.randomUUID().toString().substring(0, 8);
		String token = "awx-token-" + UUID.randomUUID();
		String connector = "awx-" + run;
		ApiClient admin = new ApiClient(this.port, "admin");
		ApiClient operator = new ApiClient(this.port, "operator");
		try (FakeAwx awx = new FakeAwx(token, Set.of())) {
			Response created = record(admin.post("/api/v1/connectors", ApiClient.json(Map.of("name", connector, "type",
					"awx", "settings",
					Map.of("url", awx.url(), "token", token, "installJobTemplate", String.valueOf(FakeAwx.JOB_TEMPLATE),
							"pollInterval", "PT0.1S", "maxBatchSize", "10", "breakerWindow", "4", "breakerOpenFor",
							"PT1S", "retryAttempts", "2", "retryBackoff", "PT0.05S")))));
			assertThat(created.status()).as(created.body()).isEqualTo(201);
			assertThat(created.json().get("secrets")).extracting(JsonNode::asString).containsExactly("token");
			long connectorId = created.json().get("id").asLong();
			Response checked = record(admin.post("/api/v1/connectors/%d/test".formatted(connectorId)));
			assertThat(checked.json().get("ok").asBoolean()).as(checked.body()).isTrue();

			List<Map<String, Object>> targets = new ArrayList<>();
			for (int i = 0; i < 30; i++) {
				targets.add(Map.of("name", "%s-apex-%02d".formatted(run, i), "address", "10.40.0." + (i + 1), "labels",
						Map.of("run", run), "connector", connector, "installedVersion", "14.0.6850"));
			}
			record(admin.post("/api/v1/targets", ApiClient.json(targets)));
			long id = record(admin.post("/api/v1/rollouts",
					ApiClient.json(Map.of("name", "awx " + run, "patchId", "apex-central-2019-cp-7190", "selector",
							"run=" + run, "waves",
							List.of(Map.of("name", "canary", "size", "5", "maxConcurrency", 5),
									Map.of("name", "rest", "size", "100%", "maxConcurrency", 10))))))
				.json()
				.get("id")
				.asLong();

			record(operator.post("/api/v1/rollouts/%d/start".formatted(id)));
			await().atMost(Duration.ofSeconds(30)).until(() -> awx.launches() >= 2);
			awx.goDown();
			JsonNode waiting = await().atMost(Duration.ofSeconds(30))
				.until(() -> record(operator.get("/api/v1/rollouts/" + id)).json(),
						rollout -> rollout.get("waitingFor").size() == 1);
			assertThat(waiting.at("/waitingFor/0/connector").asString()).isEqualTo(connector);
			assertThat(waiting.at("/totals/failed").asInt()).isZero();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> record(admin.get("/api/v1/connectors/%d/health".formatted(connectorId))).json()
					.get("status")
					.asString()
					.equals("DOWN"));
			awx.comeBack();

			await().atMost(Duration.ofSeconds(60))
				.until(() -> record(operator.get("/api/v1/rollouts/" + id)).json().get("state").asString(),
						"SUCCEEDED"::equals);
			JsonNode done = record(operator.get("/api/v1/rollouts/" + id)).json();
			assertThat(done.at("/totals/succeeded").asInt()).isEqualTo(30);
			assertThat(done.at("/totals/failed").asInt()).isZero();
			assertThat(awx.launchesPerHost()).hasSize(30).allSatisfy((host, launches) -> assertThat(launches).isOne());
			assertThat(awx.tokensSeen()).containsExactly(token);
			record(operator.get("/api/v1/rollouts/%d/events?limit=1000".formatted(id)));
			record(operator.get("/api/v1/rollouts/%d/deployments?size=500".formatted(id)));
			record(admin.get("/api/v1/connectors"));
			record(admin.get("/api/v1/connectors/" + connectorId));
			record(admin.get("/actuator/health"));
		}
		assertThat(this.responses).isNotEmpty().noneMatch(body -> body.contains(token));
		assertThat(output.getAll()).doesNotContain(token);
	}

	private Response record(Response response) {
		this.responses.add(response.body());
		return response;
	}

}
