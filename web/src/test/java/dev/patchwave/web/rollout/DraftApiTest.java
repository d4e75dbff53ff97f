package dev.patchwave.web.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwave.web.ApiClient;
import dev.patchwave.web.PatchwaveWebTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A draft's plan replaced or the draft deleted through the API: checked like a create,
 * refused whole with nothing written, only while it is a draft, only by change managers.
 */
@PatchwaveWebTest
class DraftApiTest {

	private static final String PATCH = "apex-central-2019-cp-7190";

	@LocalServerPort
	int port;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private ApiClient manager;

	@BeforeEach
	void fleet() {
		this.manager = new ApiClient(this.port, "manager");
		assertThat(
				new ApiClient(this.port, "admin")
					.post("/api/v1/connectors",
							ApiClient.json(Map.of("name", "sim-" + this.run, "type", "simulator", "settings",
									Map.of("installLatency", "PT0.2S"))))
					.status())
			.isEqualTo(201);
		List<Map<String, Object>> targets = new ArrayList<>();
		for (int number = 1; number <= 4; number++) {
			targets.add(Map.of("name", "draft-%s-%02d".formatted(this.run, number), "address", "10.78.0." + number,
					"labels", Map.of("run", this.run, "half", number <= 2 ? "a" : "b"), "connector", "sim-" + this.run,
					"installedVersion", "14.0.6850"));
		}
		assertThat(this.manager.post("/api/v1/targets", ApiClient.json(targets)).status()).isEqualTo(200);
	}

	@Test
	void aDraftsPlanIsReplacedWholeAndJournaled() {
		long id = create("first");

		ApiClient.Response replaced = this.manager.send("PUT", "/api/v1/rollouts/" + id, "application/json",
				body("second", "run=" + this.run + ",half=b", wave("only", "100%", 2)), Map.of());

		assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
		JsonNode rollout = this.manager.get("/api/v1/rollouts/" + id).json();
		assertThat(rollout.get("name").asString()).isEqualTo("second");
		assertThat(rollout.get("state").asString()).isEqualTo("DRAFT");
		assertThat(rollout.get("waves")).hasSize(1);
		assertThat(rollout.get("totals").get("pending").asInt()).isEqualTo(2);
		assertThat(this.manager.get("/api/v1/rollouts/%d/events".formatted(id)).body()).contains("REPLANNED");
	}

	@Test
	void aBadPlanIsRefusedNamingTheFieldAndTheDraftStaysAsItWas() {
		long id = create("kept");
		String before = stored(id);

		ApiClient.Response refused = this.manager.send("PUT", "/api/v1/rollouts/" + id, "application/json",
				body("changed", "run=" + this.run, wave("canary", "1", 0), wave("rest", "100%", 2)), Map.of());

		assertThat(refused.status()).isEqualTo(422);
		assertThat(refused.contentType()).startsWith("application/problem+json");
		assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("waves[0].maxConcurrency");
		assertThat(stored(id)).isEqualTo(before);
	}

	@Test
	void onlyADraftIsReplacedOrDeleted() {
		long id = create("started");
		assertThat(new ApiClient(this.port, "operator").post("/api/v1/rollouts/%d/start".formatted(id)).status())
			.isEqualTo(200);

		ApiClient.Response replaced = this.manager.send("PUT", "/api/v1/rollouts/" + id, "application/json",
				body("renamed", "run=" + this.run, wave("all", "100%", 4)), Map.of());
		ApiClient.Response deleted = this.manager.send("DELETE", "/api/v1/rollouts/" + id, null, null, Map.of());

		assertThat(replaced.status()).isEqualTo(409);
		assertThat(replaced.contentType()).startsWith("application/problem+json");
		assertThat(replaced.json().get("detail").asString()).contains("only a draft");
		assertThat(deleted.status()).isEqualTo(409);
		JsonNode rollout = this.manager.get("/api/v1/rollouts/" + id).json();
		assertThat(rollout.get("name").asString()).isEqualTo("started");
		assertThat(rollout.get("waves")).hasSize(2);
		assertThat(this.manager.get("/api/v1/rollouts/%d/events".formatted(id)).body()).doesNotContain("REPLANNED");
		new ApiClient(this.port, "operator").post("/api/v1/rollouts/%d/abort".formatted(id));
	}

	@Test
	void aDeletedDraftIsGoneAndItsTargetsFreeForAnother() {
		long id = create("doomed");

		ApiClient.Response deleted = this.manager.send("DELETE", "/api/v1/rollouts/" + id, null, null, Map.of());

		assertThat(deleted.status()).isEqualTo(204);
		assertThat(this.manager.get("/api/v1/rollouts/" + id).status()).isEqualTo(404);
		assertThat(this.manager.send("DELETE", "/api/v1/rollouts/" + id, null, null, Map.of()).status()).isEqualTo(404);
		assertThat(this.manager.get("/api/v1/targets?selector=run=" + this.run).json().get("total").asInt())
			.isEqualTo(4);
	}

	@Test
	void anOperatorMayNeitherReplaceNorDeleteADraft() {
		long id = create("guarded");
		String before = stored(id);
		ApiClient operator = new ApiClient(this.port, "operator");

		ApiClient.Response replaced = operator.send("PUT", "/api/v1/rollouts/" + id, "application/json",
				body("taken", "run=" + this.run, wave("all", "100%", 4)), Map.of());
		ApiClient.Response deleted = operator.send("DELETE", "/api/v1/rollouts/" + id, null, null, Map.of());

		assertThat(replaced.status()).isEqualTo(403);
		assertThat(deleted.status()).isEqualTo(403);
		assertThat(stored(id)).isEqualTo(before);
	}

	/** The rollout as stored: its projection, counted from now, left out. */
	private String stored(long id) {
		ObjectNode rollout = (ObjectNode) this.manager.get("/api/v1/rollouts/" + id).json();
		rollout.remove("projection");
		return rollout.toString();
	}

	private long create(String name) {
		ApiClient.Response created = this.manager.post("/api/v1/rollouts",
				body(name, "run=" + this.run, wave("canary", "1", 1), wave("rest", "100%", 3)));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json().get("id").asLong();
	}

	@SafeVarargs
	private String body(String name, String selector, Map<String, Object>... waves) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("name", name);
		body.put("patchId", PATCH);
		body.put("selector", selector);
		body.put("waves", List.of(waves));
		return ApiClient.json(body);
	}

	private static Map<String, Object> wave(String name, String size, int maxConcurrency) {
		return Map.of("name", name, "size", size, "maxConcurrency", maxConcurrency, "failureThreshold", "0");
	}

}
