package dev.patchwave.web.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchwave.web.ApiClient;
import dev.patchwave.web.ApiClient.Response;
import dev.patchwave.web.PatchwaveWebTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A change manager's controls through the API: four-eyes approval of a wave, honest
 * outcomes with a retry of the failed host alone, a skip that needs a reason, and one
 * active rollout per target.
 */
@PatchwaveWebTest
class GovernanceApiTest {

	private static final String PATCH = "apex-central-2019-cp-7190";

	@LocalServerPort
	int port;

	@Test
	void theCreatorCannotApproveAnotherChangeManagerCanAndAnOperatorMayNot() {
		String run = fleet(3, i -> Map.of());
		ApiClient manager = new ApiClient(this.port, "manager");
		ApiClient admin = new ApiClient(this.port, "admin");
		ApiClient operator = new ApiClient(this.port, "operator");
		long id = create(manager, run, "MANUAL", List.of(wave("canary", "1"), wave("rest", "100%")));
		operator.post("/api/v1/rollouts/%d/start".formatted(id));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> operator.get("/api/v1/rollouts/" + id).json().at("/waves/1/state").asString(),
					"AWAITING_APPROVAL"::equals);

		Response byCreator = manager.post("/api/v1/rollouts/%d/waves/1/approve".formatted(id),
				ApiClient.json(Map.of("comment", "looks fine to me")));
		Response byOperator = operator.post("/api/v1/rollouts/%d/waves/1/approve".formatted(id));
		Response byAnother = admin.post("/api/v1/rollouts/%d/waves/1/approve".formatted(id),
				ApiClient.json(Map.of("comment", "canary healthy for an hour")));

		assertThat(byCreator.status()).isEqualTo(403);
		assertThat(byCreator.contentType()).startsWith("application/problem+json");
		assertThat(byCreator.json().at("/errors/0/field").asString()).isEqualTo("actor");
		assertThat(byCreator.json().get("detail").asString()).contains("four eyes");
		assertThat(byOperator.status()).isEqualTo(403);
		assertThat(byAnother.status()).as(byAnother.body()).isEqualTo(200);
		awaitState(operator, id, "SUCCEEDED");
		assertThat(events(operator, id)).anySatisfy(event -> {
			assertThat(event.get("type").asString()).isEqualTo("WAVE_APPROVED");
			assertThat(event.get("actor").asString()).isEqualTo("admin");
			assertThat(event.get("message").asString()).contains("canary healthy for an hour");
		});
	}

	@Test
	void aFatalFailureUnderTheThresholdIsNotSuccessAndRetryFailedReinstallsThatHostAlone() {
		String run = fleet(4, i -> i == 1 ? Map.of("simulate", "fail") : Map.of());
		ApiClient manager = new ApiClient(this.port, "manager");
		ApiClient operator = new ApiClient(this.port, "operator");
		long id = create(manager, run, "AUTO",
				List.of(Map.of("name", "all", "size", "100%", "maxConcurrency", 4, "failureThreshold", "1")));
		operator.post("/api/v1/rollouts/%d/start".formatted(id));

		JsonNode completed = awaitState(operator, id, "COMPLETED_WITH_FAILURES");
		assertThat(completed.at("/totals/failed").asInt()).isOne();
		Response noReason = operator.post("/api/v1/rollouts/%d/targets/%s-host-1/skip".formatted(id, run),
				ApiClient.json(Map.of()));
		assertThat(noReason.status()).isEqualTo(422);
		assertThat(noReason.json().at("/errors/0/field").asString()).isEqualTo("reason");

		Response retried = operator.post("/api/v1/rollouts/%d/retry-failed".formatted(id));

		assertThat(retried.status()).as(retried.body()).isEqualTo(200);
		JsonNode again = awaitState(operator, id, "COMPLETED_WITH_FAILURES");
		JsonNode failed = operator.get("/api/v1/rollouts/%d/deployments?state=FAILED".formatted(id)).json();
		assertThat(failed.at("/items/0/target").asString()).isEqualTo(run + "-host-1");
		assertThat(failed.at("/items/0/attempts").asInt()).isEqualTo(2);
		assertThat(again.at("/totals/succeeded").asInt()).isEqualTo(3);
		JsonNode succeeded = operator.get("/api/v1/rollouts/%d/deployments?state=SUCCEEDED".formatted(id)).json();
		assertThat(succeeded.get("items")).allSatisfy(d -> assertThat(d.get("attempts").asInt()).isOne());
	}

	@Test
	void anOverlappingRolloutIsRefusedWith409NamingTheRolloutAndTargets() {
		String run = fleet(2, i -> Map.of());
		ApiClient manager = new ApiClient(this.port, "manager");
		ApiClient operator = new ApiClient(this.port, "operator");
		long first = create(manager, run, "MANUAL", List.of(wave("canary", "1"), wave("rest", "100%")));
		operator.post("/api/v1/rollouts/%d/start".formatted(first));

		Response second = manager.post("/api/v1/rollouts", ApiClient.json(Map.of("name", "again " + run, "patchId",
				PATCH, "selector", "run=" + run, "waves", List.of(wave("all", "100%")))));

		assertThat(second.status()).isEqualTo(409);
		assertThat(second.contentType()).startsWith("application/problem+json");
		assertThat(second.json().get("detail").asString()).contains("rollout " + first)
			.contains(run + "-host-0")
			.contains(run + "-host-1");
		operator.post("/api/v1/rollouts/%d/abort".formatted(first));
	}

	private String fleet(int size, java.util.function.IntFunction<Map<String, String>> labels) {
		String run = UUID.randomUUID().toString().substring(0, 8);
		ApiClient admin = new ApiClient(this.port, "admin");
		String connector = "sim-gov-" + run;
		assertThat(
				admin
					.post("/api/v1/connectors", ApiClient.json(Map.of("name", connector, "type", "simulator",
							"settings", Map.of("installLatency", "PT0.05S", "failureRate", "0", "transientRate", "0",
									"rebootRate", "0"))))
					.status())
			.isEqualTo(201);
		List<Map<String, Object>> targets = new ArrayList<>();
		for (int i = 0; i < size; i++) {
			Map<String, String> all = new java.util.HashMap<>(labels.apply(i));
			all.put("run", run);
			targets.add(Map.of("name", "%s-host-%d".formatted(run, i), "address", "10.40.0." + (i + 1), "labels", all,
					"connector", connector, "installedVersion", "14.0.6850"));
		}
		assertThat(admin.post("/api/v1/targets", ApiClient.json(targets)).status()).isBetween(200, 201);
		return run;
	}

	private static long create(ApiClient manager, String run, String advance, List<Map<String, Object>> waves) {
		Response created = manager.post("/api/v1/rollouts", ApiClient.json(Map.of("name", "governed " + run, "patchId",
				PATCH, "selector", "run=" + run, "advance", advance, "waves", waves)));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json().get("id").asLong();
	}

	private static Map<String, Object> wave(String name, String size) {
		return Map.of("name", name, "size", size, "maxConcurrency", 2, "failureThreshold", "0");
	}

	private static JsonNode awaitState(ApiClient client, long id, String state) {
		return await().atMost(Duration.ofSeconds(30))
			.until(() -> client.get("/api/v1/rollouts/" + id).json(),
					rollout -> rollout.get("state").asString().equals(state));
	}

	private static List<JsonNode> events(ApiClient client, long id) {
		List<JsonNode> events = new ArrayList<>();
		client.get("/api/v1/rollouts/%d/events?limit=1000".formatted(id)).json().forEach(events::add);
		return events;
	}

}
