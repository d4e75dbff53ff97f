package dev.patchwave.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwave.web.ApiClient;
import dev.patchwave.web.ApiClient.Response;
import dev.patchwave.web.PatchwaveWebTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Bad input answers RFC 9457 problem details naming the field and the reason, and creates
 * nothing.
 */
@PatchwaveWebTest
class ApiProblemDetailsTest {

	private static final String PROBLEM_JSON = "application/problem+json";

	@LocalServerPort
	int port;

	private ApiClient manager;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	@BeforeEach
	void registerFleet() {
		this.manager = new ApiClient(this.port, "manager");
		ApiClient admin = new ApiClient(this.port, "admin");
		assertThat(admin
			.post("/api/v1/connectors", ApiClient.json(Map.of("name", "sim-" + this.run, "type", "simulator",
					"settings", Map.of("installLatency", "PT0.1S"))))
			.status()).isEqualTo(201);
		assertThat(this.manager.post("/api/v1/targets", ApiClient.json(List.of(target("a"), target("b")))).status())
			.isEqualTo(200);
	}

	@Test
	void malformedJsonIsRefusedWithItsPosition() {
		Response response = createRollout("{\"name\": \"x\",");

		assertProblem(response, 400);
		assertThat(response.json().get("detail").asString()).startsWith("The body is not valid JSON at line 1");
	}

	@Test
	void unknownFieldIsNamed() {
		Response response = createRollout(rollout(Map.of("wavez", List.of())));

		assertProblem(response, 400);
		assertThat(errors(response))
			.containsExactly(Map.entry("wavez", response.json().at("/errors/0/reason").asString()));
		assertThat(response.json().at("/errors/0/reason").asString()).startsWith("unknown field");
	}

	@Test
	void everyInvalidFieldIsNamedWithItsReason() {
		Response response = createRollout(rollout(Map.of("patchId", "no-such-patch", "waves",
				List.of(Map.of("name", "canary", "size", "0", "maxConcurrency", 0, "failureThreshold", "150%")))));

		assertProblem(response, 422);
		assertThat(errors(response)).containsOnlyKeys("patchId", "waves[0].size", "waves[0].maxConcurrency",
				"waves[0].failureThreshold");
		assertThat(errors(response).get("waves[0].failureThreshold")).isEqualTo("must not exceed 100%");
		assertThat(errors(response).get("waves[0].maxConcurrency")).isEqualTo("must be a whole number from 1 to 5000");
	}

	@Test
	void selectorMatchingNothingIsRefused() {
		Response response = createRollout(rollout(Map.of("selector", "run=nobody-" + this.run)));

		assertProblem(response, 422);
		assertThat(errors(response)).containsEntry("selector", "'run=nobody-%s' matches no target".formatted(this.run));
	}

	@Test
	void wrongTypeIsNamed() {
		Response response = createRollout(rollout(Map.of("advance", "SOMETIMES")));

		assertProblem(response, 400);
		assertThat(errors(response)).containsEntry("advance", "'SOMETIMES' is not one of [AUTO, MANUAL]");
	}

	@Test
	void unknownRolloutIsNotFound() {
		assertProblem(this.manager.get("/api/v1/rollouts/987654321"), 404);
		assertProblem(this.manager.post("/api/v1/rollouts/987654321/start"), 404);
	}

	@Test
	void illegalTransitionIsAConflictAndChangesNothing() {
		Response created = createRollout(rollout(Map.of()));
		long id = created.json().get("id").asLong();

		Response response = this.manager.post("/api/v1/rollouts/%d/pause".formatted(id));

		assertProblem(response, 409);
		assertThat(response.json().get("detail").asString()).contains("DRAFT to PAUSED");
		assertThat(this.manager.get("/api/v1/rollouts/" + id).json().get("state").asString()).isEqualTo("DRAFT");
	}

	@Test
	void aBatchWithOneBadTargetCreatesNoneOfThem() {
		Response response = this.manager.post("/api/v1/targets",
				ApiClient.json(List.of(target("c"), Map.of("name", this.run + "-d", "address", "10.0.0.9", "labels",
						Map.of("run", this.run), "connector", "no-such-connector", "installedVersion", "14.0.x"))));

		assertProblem(response, 422);
		assertThat(errors(response)).containsOnlyKeys("[1].connector", "[1].installedVersion");
		assertThat(this.manager.get("/api/v1/targets?selector=run=" + this.run).json().get("total").asInt())
			.isEqualTo(2);
	}

	@Test
	void anonymousCallersAreAskedToSignInAndViewersCannotAct() {
		Response anonymous = new ApiClient(this.port, null).get("/api/v1/rollouts");
		assertProblem(anonymous, 401);

		Response viewer = new ApiClient(this.port, "viewer").post("/api/v1/rollouts", rollout(Map.of()));
		assertProblem(viewer, 403);
		assertThat(rolloutsNamed()).isZero();
	}

	@Test
	void refusedRequestsLeaveNoRolloutBehind() {
		createRollout("{");
		createRollout(rollout(Map.of("patchId", "nope")));
		createRollout(rollout(Map.of("selector", "run=nobody")));

		assertThat(rolloutsNamed()).isZero();
	}

	private long rolloutsNamed() {
		JsonNode page = this.manager.get("/api/v1/rollouts?size=500").json();
		return StreamSupport.stream(page.get("items").spliterator(), false)
			.filter(rollout -> rollout.get("name").asString().equals("api " + this.run))
			.count();
	}

	private Response createRollout(String body) {
		return this.manager.post("/api/v1/rollouts", body);
	}

	private String rollout(Map<String, Object> overrides) {
		Map<String, Object> request = new java.util.LinkedHashMap<>(
				Map.of("name", "api " + this.run, "patchId", "apex-central-2019-cp-7190", "selector", "run=" + this.run,
						"waves", List.of(Map.of("name", "all", "size", "100%", "maxConcurrency", 2))));
		request.putAll(overrides);
		return ApiClient.json(request);
	}

	private Map<String, Object> target(String suffix) {
		return Map.of("name", this.run + "-" + suffix, "address", "10.0.0.1", "labels", Map.of("run", this.run),
				"connector", "sim-" + this.run, "installedVersion", "14.0.6850");
	}

	private static Map<String, String> errors(Response response) {
		Map<String, String> errors = new java.util.LinkedHashMap<>();
		response.json()
			.get("errors")
			.forEach(error -> errors.put(error.get("field").asString(), error.get("reason").asString()));
		return errors;
	}

	private static void assertProblem(Response response, int status) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.contentType()).startsWith(PROBLEM_JSON);
		JsonNode problem = response.json();
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.get("title").asString()).isNotBlank();
		assertThat(problem.get("detail").asString()).isNotBlank();
		assertThat(response.body()).doesNotContain("Exception", "\tat ");
	}

}
