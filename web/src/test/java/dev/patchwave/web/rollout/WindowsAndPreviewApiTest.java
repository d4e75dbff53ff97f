package dev.patchwave.web.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwave.web.ApiClient;
import dev.patchwave.web.ApiClient.Response;
import dev.patchwave.web.PatchwaveWebTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Windows, the deadline, the preview and wave composition through the API: who may write
 * windows, what a preview answers without creating anything, what a rollout waiting for
 * its window shows, and bad input refused naming the field with nothing written.
 */
@PatchwaveWebTest
class WindowsAndPreviewApiTest {

	private static final String PATCH = "apex-central-2019-cp-7190";

	@LocalServerPort
	int port;

	@Test
	void changeManagersWriteWindowsEveryoneReadsThemOperatorsAndViewersMayNotWrite() {
		String name = "sat-night-" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, Object> window = Map.of("name", name, "cron", "0 0 22 ? * SAT", "duration", "PT4H", "timeZone",
				"Europe/Berlin");

		assertThat(client("viewer").post("/api/v1/windows", ApiClient.json(window)).status()).isEqualTo(403);
		assertThat(client("operator").post("/api/v1/windows", ApiClient.json(window)).status()).isEqualTo(403);
		Response created = client("manager").post("/api/v1/windows", ApiClient.json(window));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		assertThat(created.location()).isEqualTo("/api/v1/windows/" + name);

		JsonNode read = client("viewer").get("/api/v1/windows/" + name).json();
		assertThat(read.get("kind").asString()).isEqualTo("WINDOW");
		assertThat(read.get("timeZone").asString()).isEqualTo("Europe/Berlin");
		assertThat(Instant.parse(read.at("/opening/start").asString()))
			.isBefore(Instant.parse(read.at("/opening/end").asString()));
		Response changed = client("manager").send("PUT", "/api/v1/windows/" + name, "application/json",
				ApiClient.json(Map.of("cron", "0 0 22 ? * SUN", "duration", "PT2H", "timeZone", "Europe/Berlin")),
				Map.of());
		assertThat(changed.status()).as(changed.body()).isEqualTo(200);
		assertThat(changed.json().get("cron").asString()).isEqualTo("0 0 22 ? * SUN");
		assertThat(client("operator").send("DELETE", "/api/v1/windows/" + name, null, null, Map.of()).status())
			.isEqualTo(403);
		assertThat(client("admin").send("DELETE", "/api/v1/windows/" + name, null, null, Map.of()).status())
			.isEqualTo(204);
		assertThat(client("viewer").get("/api/v1/windows/" + name).status()).isEqualTo(404);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			cron     | every night at ten | PT4H  | UTC          | cron
			cron     | 0 0 22 ? * SAT     | PT0S  | UTC          | duration
			cron     | 0 0 22 ? * SAT     | -PT1H | UTC          | duration
			cron     | 0 0 22 ? * SAT     | PT4H  | Mars/Olympus | timeZone
			""")
	void aBadWindowIsRefusedNamingTheFieldAndNothingIsWritten(String key, String cron, String duration, String timeZone,
			String field) {
		String name = "bad-" + UUID.randomUUID().toString().substring(0, 8);

		Response refused = client("manager").post("/api/v1/windows",
				ApiClient.json(Map.of("name", name, key, cron, "duration", duration, "timeZone", timeZone)));

		assertThat(refused.status()).as(refused.body()).isEqualTo(422);
		assertThat(refused.contentType()).startsWith("application/problem+json");
		assertThat(refused.json().at("/errors/0/field").asString()).isEqualTo(field);
		assertThat(client("viewer").get("/api/v1/windows/" + name).status()).isEqualTo(404);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			windows  | windows[0]
			deadline | deadline
			spreadBy | waves[0].spreadBy
			""")
	void aBadRolloutIsRefusedNamingTheFieldAndNothingIsCreated(String fault, String field) {
		String run = fleet(3, i -> Map.of("site", "fra1"));
		Map<String, Object> wave = new HashMap<>(wave("all", "100%"));
		Map<String, Object> body = new HashMap<>(rollout(run, List.of(wave)));
		switch (fault) {
			case "windows" -> body.put("windows", List.of("no-such-window-" + run));
			case "deadline" -> body.put("deadline", Instant.now().minus(Duration.ofHours(1)).toString());
			default -> wave.put("spreadBy", "rack");
		}
		long before = client("viewer").get("/api/v1/rollouts?size=1").json().get("total").asLong();

		for (String path : List.of("/api/v1/rollouts", "/api/v1/rollouts/preview")) {
			Response refused = client("manager").post(path, ApiClient.json(body));

			assertThat(refused.status()).as(refused.body()).isEqualTo(422);
			assertThat(refused.json().at("/errors/0/field").asString()).isEqualTo(field);
		}
		assertThat(client("viewer").get("/api/v1/rollouts?size=1").json().get("total").asLong()).isEqualTo(before);
	}

	@Test
	void aPreviewAnswersTheWavesTheSkippedTargetsTheDeadlineAndTheTimelineAndCreatesNothing() {
		// hosts 0 and 1 run the fixed build; the rest sit in three sites
		String run = fleet(8, i -> i < 2 ? Map.of("site", "fra1", "patched", "yes")
				: Map.of("site", List.of("fra1", "ams1", "iad1").get(i % 3)));
		Map<String, Object> canary = new HashMap<>(wave("canary", "3"));
		canary.put("spreadBy", "site");
		long before = client("viewer").get("/api/v1/rollouts?size=1").json().get("total").asLong();

		Response preview = client("manager").post("/api/v1/rollouts/preview",
				ApiClient.json(rollout(run, List.of(canary, wave("rest", "100%")))));

		assertThat(preview.status()).as(preview.body()).isEqualTo(200);
		JsonNode plan = preview.json();
		assertThat(plan.get("planned").asInt()).isEqualTo(6);
		assertThat(plan.at("/waves/0/targets").asInt()).isEqualTo(3);
		assertThat(plan.at("/waves/1/targets").asInt()).isEqualTo(3);
		assertThat(plan.get("skipped").asInt()).isEqualTo(2);
		assertThat(strings(plan.get("skippedTargets"))).containsExactly(run + "-host-0-fra1", run + "-host-1-fra1");
		assertThat(strings(plan.at("/waves/0/targetNames"))).extracting(WindowsAndPreviewApiTest::site)
			.containsExactlyInAnyOrder("fra1", "ams1", "iad1");
		assertThat(plan.get("deadlineReason").asString()).contains("CVE-2025-69258", "9.8");
		assertThat(plan.at("/projection/meetsDeadline").asBoolean()).isTrue();
		assertThat(plan.at("/projection/waves")).hasSize(2);
		assertThat(Instant.parse(plan.at("/projection/finish").asString()))
			.isBefore(Instant.parse(plan.get("deadline").asString()));
		assertThat(client("viewer").get("/api/v1/rollouts?size=1").json().get("total").asLong()).isEqualTo(before);
	}

	@Test
	void aRunningRolloutShowsTheWindowItWaitsForItsDeadlineAndItsProjectedTimeline() {
		String run = fleet(2, i -> Map.of());
		String window = "tomorrow-" + run;
		Instant opens = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofDays(1));
		assertThat(client("manager")
			.post("/api/v1/windows",
					ApiClient.json(Map.of("name", window, "startsAt", opens.toString(), "duration", "PT2H")))
			.status()).isEqualTo(201);
		Map<String, Object> body = new HashMap<>(rollout(run, List.of(wave("all", "100%"))));
		body.put("windows", List.of(window));
		body.put("deadline", opens.plus(Duration.ofDays(2)).toString());
		Response created = client("manager").post("/api/v1/rollouts", ApiClient.json(body));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		long id = created.json().get("id").asLong();

		client("operator").post("/api/v1/rollouts/%d/start".formatted(id));

		JsonNode running = client("viewer").get("/api/v1/rollouts/" + id).json();
		assertThat(running.get("state").asString()).isEqualTo("RUNNING");
		assertThat(running.at("/waitingForWindow/0/window").asString()).isEqualTo(window);
		assertThat(Instant.parse(running.at("/waitingForWindow/0/nextOpening").asString())).isEqualTo(opens);
		assertThat(running.get("deadlineReason").asString()).isEqualTo("explicit");
		assertThat(Instant.parse(running.at("/projection/finish").asString())).isAfter(opens)
			.isBefore(opens.plus(Duration.ofHours(2)));
		assertThat(running.at("/projection/meetsDeadline").asBoolean()).isTrue();
		assertThat(running.at("/totals/dispatched").asInt()).isZero();
		assertThat(client("manager").send("DELETE", "/api/v1/windows/" + window, null, null, Map.of()).status())
			.as("a window in use stays")
			.isEqualTo(409);
		client("operator").post("/api/v1/rollouts/%d/abort".formatted(id));
	}

	private ApiClient client(String user) {
		return new ApiClient(this.port, user);
	}

	private static String site(String target) {
		return target.substring(target.lastIndexOf('-') + 1);
	}

	private static List<String> strings(JsonNode array) {
		List<String> values = new ArrayList<>();
		array.forEach(value -> values.add(value.asString()));
		return values;
	}

	private static Map<String, Object> rollout(String run, List<Map<String, Object>> waves) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("name", "windowed " + run);
		body.put("patchId", PATCH);
		body.put("selector", "run=" + run);
		body.put("waves", waves);
		return body;
	}

	private static Map<String, Object> wave(String name, String size) {
		return Map.of("name", name, "size", size, "maxConcurrency", 2, "failureThreshold", "0");
	}

	/** A simulated fleet of its own; target names end in their site, if they have one. */
	private String fleet(int size, IntFunction<Map<String, String>> labels) {
		String run = UUID.randomUUID().toString().substring(0, 8);
		String connector = "sim-win-" + run;
		assertThat(
				client("admin")
					.post("/api/v1/connectors", ApiClient.json(Map.of("name", connector, "type", "simulator",
							"settings", Map.of("installLatency", "PT0.05S", "failureRate", "0", "transientRate", "0",
									"rebootRate", "0"))))
					.status())
			.isEqualTo(201);
		List<Map<String, Object>> targets = new ArrayList<>();
		for (int i = 0; i < size; i++) {
			Map<String, String> all = new HashMap<>(labels.apply(i));
			all.put("run", run);
			boolean patched = all.remove("patched") != null;
			targets.add(Map.of("name", "%s-host-%d-%s".formatted(run, i, all.getOrDefault("site", "none")), "address",
					"10.41.0." + (i + 1), "labels", all, "connector", connector, "installedVersion",
					patched ? "14.0.7190" : "14.0.6850"));
		}
		assertThat(client("admin").post("/api/v1/targets", ApiClient.json(targets)).status()).isBetween(200, 201);
		return run;
	}

}
