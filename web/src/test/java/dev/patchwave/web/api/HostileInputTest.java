package dev.patchwave.web.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.patchwave.web.ApiClient;
import dev.patchwave.web.ApiClient.Response;
import dev.patchwave.web.PatchwaveWebTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Hostile and careless input, each case answered with 4xx problem details whose detail
 * names the field at fault (or says what is wrong with the request as a whole), with no
 * stack trace, and with nothing written.
 */
@PatchwaveWebTest
class HostileInputTest {

	private static final String CONNECTOR = "hostile-sim";

	private static final String JSON = "application/json";

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@BeforeEach
	void connectorTargetsCanUse() {
		if (this.jdbc.sql("SELECT COUNT(*) FROM connector_instance WHERE name = ?")
			.param(CONNECTOR)
			.query(Long.class)
			.single() == 0) {
			assertThat(new ApiClient(this.port, "admin")
				.post("/api/v1/connectors",
						ApiClient.json(Map.of("name", CONNECTOR, "type", "simulator", "settings", Map.of())))
				.status()).isEqualTo(201);
		}
	}

	@ParameterizedTest(name = "[{index}] {0}")
	@MethodSource("corpus")
	void isRefusedNamingTheFaultAndWritesNothing(String name, String user, String method, String path,
			String contentType, String body, int status, String detailNames) {
		Map<String, Long> before = rowCounts();

		Response response = new ApiClient(this.port, user).send(method, path, contentType, body, Map.of());

		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.json().get("status").asInt()).isEqualTo(status);
		assertThat(response.json().get("detail").asString()).contains(detailNames);
		assertThat(response.body()).doesNotContain("Exception", "\tat ", "org.springframework", "tools.jackson");
		assertThat(rowCounts()).isEqualTo(before);
	}

	@Test
	void aHundredKilobyteSelectorIsRefusedQuickly() {
		String selector = "a=b,".repeat(25_000);
		ApiClient viewer = new ApiClient(this.port, "manager");

		// the old regular expression spent minutes on this; the limit is for a loaded CI
		// machine, not a measure
		Response response = assertTimeoutPreemptively(Duration.ofSeconds(10),
				() -> viewer.post("/api/v1/rollouts", rollout(Map.of("selector", selector))));

		assertThat(response.status()).isEqualTo(422);
		assertThat(response.json().get("detail").asString()).startsWith("selector: at most 1000 characters");
	}

	static Stream<Arguments> corpus() {
		List<Arguments> cases = new ArrayList<>();
		// targets
		target(cases, "installedVersion over 64", Map.of("installedVersion", "1." + "1".repeat(69)), 422,
				"[0].installedVersion");
		target(cases, "40 labels of 63+63", Map.of("labels", labels(40)), 422, "[0].labels");
		target(cases, "31 labels", Map.of("labels", labels(31)), 422, "[0].labels");
		target(cases, "name over 255", Map.of("name", "n".repeat(256)), 422, "[0].name");
		target(cases, "name with NUL", Map.of("name", "a\u0000b"), 422, "[0].name");
		target(cases, "name with a newline", Map.of("name", "a\nb"), 422, "[0].name");
		target(cases, "blank name", Map.of("name", "  "), 422, "[0].name");
		target(cases, "name a number", Map.of("name", 5), 400, "[0].name");
		target(cases, "name an object", Map.of("name", Map.of("x", 1)), 400, "[0].name");
		target(cases, "address over 255", Map.of("address", "a".repeat(256)), 422, "[0].address");
		target(cases, "address with a bell", Map.of("address", "10.0.0.1\u0007"), 422, "[0].address");
		target(cases, "label key over 63", Map.of("labels", Map.of("k".repeat(64), "v")), 422, "[0].labels.");
		target(cases, "label key 5000 chars", Map.of("labels", Map.of("k".repeat(5000), "v")), 422, "[0].labels.");
		target(cases, "label value with a blank", Map.of("labels", Map.of("app", "apex central")), 422,
				"[0].labels.app");
		target(cases, "label value with a quote", Map.of("labels", Map.of("app", "a'; DROP TABLE target;--")), 422,
				"[0].labels.app");
		target(cases, "label value empty", Map.of("labels", Map.of("app", "")), 422, "[0].labels.app");
		target(cases, "labels an array", Map.of("labels", List.of("a")), 400, "[0].labels");
		target(cases, "label value a number", Map.of("labels", Map.of("app", 1)), 400, "[0].labels");
		target(cases, "connector over 100", Map.of("connector", "c".repeat(200)), 422, "[0].connector");
		target(cases, "unknown connector", Map.of("connector", "nope"), 422, "[0].connector");
		target(cases, "installedVersion not a version", Map.of("installedVersion", "14.0.x"), 422,
				"[0].installedVersion");
		target(cases, "installedVersion a number", Map.of("installedVersion", 14.0), 400, "[0].installedVersion");
		target(cases, "unknown field", Map.of("colour", "red"), 400, "[0].colour");
		cases.add(post("targets: empty array", "manager", "/api/v1/targets", "[]", 422, "$"));
		cases.add(post("targets: an object, not an array", "manager", "/api/v1/targets", "{}", 400, "$"));
		cases.add(post("targets: null", "manager", "/api/v1/targets", "null", 400, "The request body"));
		cases.add(post("targets: a null element", "manager", "/api/v1/targets", "[null]", 422, "[0]"));
		cases.add(post("targets: same name twice", "manager", "/api/v1/targets",
				ApiClient.json(List.of(target(Map.of()), target(Map.of()))), 422, "[1].name"));
		cases.add(post("targets: over 10,000", "manager", "/api/v1/targets",
				ApiClient.json(IntStream.range(0, 10_001).mapToObj(i -> Map.of("name", "t" + i)).toList()), 422, "$"));
		cases.add(post("targets: a key twice", "manager", "/api/v1/targets",
				"[{\"name\":\"a\",\"name\":\"b\",\"address\":\"x\",\"connector\":\"" + CONNECTOR + "\"}]", 400,
				"name"));
		cases.add(post("targets: trailing garbage", "manager", "/api/v1/targets",
				ApiClient.json(List.of(target(Map.of()))) + " []", 400, "JSON"));
		cases.add(post("targets: arrays nested 5,000 deep", "manager", "/api/v1/targets",
				"[".repeat(5000) + "]".repeat(5000), 400, "[0]"));
		cases.add(post("targets: not JSON", "manager", "/api/v1/targets", "<xml/>", 400, "JSON"));
		cases.add(post("targets: a 9 MB body", "manager", "/api/v1/targets",
				"[\"" + "x".repeat(9 * 1024 * 1024) + "\"]", 413, "too large"));
		cases.add(Arguments.of("targets: text/plain", "manager", "POST", "/api/v1/targets", "text/plain", "[]", 415,
				"text/plain"));
		// rollouts
		rollout(cases, "name over 200", Map.of("name", "r".repeat(201)), 422, "name");
		rollout(cases, "name with NUL", Map.of("name", "r\u0000"), 422, "name");
		rollout(cases, "name true", Map.of("name", true), 400, "name");
		rollout(cases, "patchId over 64", Map.of("patchId", "p".repeat(65)), 422, "patchId");
		rollout(cases, "selector of 70 terms",
				Map.of("selector", String.join(",",
						IntStream.range(0, 70).mapToObj(i -> "label-%02d=value-%02d".formatted(i, i)).toList())),
				422, "selector");
		rollout(cases, "selector with an empty term", Map.of("selector", "a=b,,c"), 422, "selector");
		rollout(cases, "selector with a blank value", Map.of("selector", "app=apex central"), 422, "selector");
		rollout(cases, "selector a number", Map.of("selector", 5), 400, "selector");
		rollout(cases, "selector blanks then junk", Map.of("selector", "a" + " ".repeat(998) + "#"), 422, "selector");
		rollout(cases, "advance unknown", Map.of("advance", "SOMETIMES"), 400, "advance");
		rollout(cases, "bakeTime a number", Map.of("bakeTime", 5), 400, "bakeTime");
		rollout(cases, "bakeTime a decimal", Map.of("bakeTime", 5.5), 400, "bakeTime");
		rollout(cases, "bakeTime over 7 days", Map.of("bakeTime", "P8D"), 422, "bakeTime");
		rollout(cases, "bakeTime negative", Map.of("bakeTime", "PT-1S"), 422, "bakeTime");
		rollout(cases, "bakeTime words", Map.of("bakeTime", "forever"), 400, "bakeTime");
		rollout(cases, "bakeTime overflowing", Map.of("bakeTime", "PT99999999999999999999H"), 400, "bakeTime");
		rollout(cases, "notBefore a number", Map.of("notBefore", 5), 400, "notBefore");
		rollout(cases, "notBefore in the year 999999999", Map.of("notBefore", "+999999999-12-31T23:59:59Z"), 422,
				"notBefore");
		rollout(cases, "notBefore words", Map.of("notBefore", "tomorrow"), 400, "notBefore");
		rollout(cases, "no waves", Map.of("waves", List.of()), 422, "waves");
		rollout(cases, "21 waves",
				Map.of("waves", IntStream.range(0, 21).mapToObj(i -> wave(Map.of("name", "w" + i))).toList()), 422,
				"waves");
		rollout(cases, "waves an object", Map.of("waves", Map.of()), 400, "waves");
		rollout(cases, "a null wave", Map.of("waves", java.util.Arrays.asList((Object) null)), 422, "waves[0]");
		rollout(cases, "maxConcurrency 1.5", Map.of("waves", List.of(wave(Map.of("maxConcurrency", 1.5)))), 400,
				"waves[0].maxConcurrency");
		rollout(cases, "maxConcurrency a string", Map.of("waves", List.of(wave(Map.of("maxConcurrency", "5")))), 400,
				"waves[0].maxConcurrency");
		rollout(cases, "maxConcurrency 1e10", Map.of("waves", List.of(wave(Map.of("maxConcurrency", 1e10)))), 400,
				"waves[0].maxConcurrency");
		rollout(cases, "maxConcurrency past long",
				Map.of("waves", List.of(wave(Map.of("maxConcurrency", new java.math.BigInteger("9".repeat(30)))))), 400,
				"waves[0].maxConcurrency");
		rollout(cases, "maxConcurrency 0", Map.of("waves", List.of(wave(Map.of("maxConcurrency", 0)))), 422,
				"waves[0].maxConcurrency");
		rollout(cases, "maxConcurrency 5001", Map.of("waves", List.of(wave(Map.of("maxConcurrency", 5001)))), 422,
				"waves[0].maxConcurrency");
		rollout(cases, "maxConcurrency true", Map.of("waves", List.of(wave(Map.of("maxConcurrency", true)))), 400,
				"waves[0].maxConcurrency");
		rollout(cases, "size over 16 chars", Map.of("waves", List.of(wave(Map.of("size", "1" + " ".repeat(20))))), 422,
				"waves[0].size");
		rollout(cases, "size negative", Map.of("waves", List.of(wave(Map.of("size", "-5")))), 422, "waves[0].size");
		rollout(cases, "size past int", Map.of("waves", List.of(wave(Map.of("size", "99999999999")))), 422,
				"waves[0].size");
		rollout(cases, "size a number", Map.of("waves", List.of(wave(Map.of("size", 5)))), 400, "waves[0].size");
		rollout(cases, "failureThreshold 101%", Map.of("waves", List.of(wave(Map.of("failureThreshold", "101%")))), 422,
				"waves[0].failureThreshold");
		rollout(cases, "wave name over 100", Map.of("waves", List.of(wave(Map.of("name", "w".repeat(101))))), 422,
				"waves[0].name");
		rollout(cases, "wave name with a tab", Map.of("waves", List.of(wave(Map.of("name", "a\tb")))), 422,
				"waves[0].name");
		// connectors
		connector(cases, "name over 63", Map.of("name", "c".repeat(64)), 422, "name");
		connector(cases, "name in capitals", Map.of("name", "SIM"), 422, "name");
		connector(cases, "name with a slash", Map.of("name", "a/b"), 422, "name");
		connector(cases, "type over 50", Map.of("type", "t".repeat(51)), 422, "type");
		connector(cases, "unknown type", Map.of("type", "telnet"), 422, "type");
		connector(cases, "an install template of 9000 characters",
				Map.of("type", "ssh", "settings", Map.of("install.apex-central-2019-cp-7190", "x".repeat(9000))), 422,
				"settings.install.apex-central-2019-cp-7190");
		connector(cases, "101 settings", Map.of("settings",
				IntStream.range(0, 101).boxed().collect(java.util.stream.Collectors.toMap(i -> "s" + i, i -> "v"))),
				422, "settings");
		connector(cases, "a setting name of 201", Map.of("settings", Map.of("s".repeat(201), "v")), 422, "settings");
		connector(cases, "a setting with NUL", Map.of("settings", Map.of("seed", "1\u0000")), 422, "settings.seed");
		connector(cases, "a setting an object", Map.of("settings", Map.of("seed", Map.of())), 422, "settings.seed");
		connector(cases, "failureRate 2", Map.of("settings", Map.of("failureRate", 2)), 422, "settings.failureRate");
		connector(cases, "settings an array", Map.of("settings", List.of()), 400, "settings");
		cases.add(post("connectors: settings nested 5,000 deep", "admin", "/api/v1/connectors",
				"{\"name\":\"deep\",\"type\":\"simulator\",\"settings\":" + "{\"a\":".repeat(5000) + "1"
						+ "}".repeat(5001),
				400, "nesting depth"));
		// parameters and addresses
		cases.add(get("page -1", "/api/v1/targets?page=-1", 422, "page"));
		cases.add(get("size 0", "/api/v1/targets?size=0", 422, "size"));
		cases.add(get("size 501", "/api/v1/rollouts?size=501", 422, "size"));
		cases.add(get("size words", "/api/v1/targets?size=ten", 400, "size"));
		cases.add(get("page past int", "/api/v1/targets?page=99999999999", 400, "page"));
		cases.add(get("id words", "/api/v1/rollouts/abc", 400, "id"));
		cases.add(get("state unknown", "/api/v1/rollouts/1/deployments?state=NOPE", 400, "state"));
		cases.add(get("events limit 100000", "/api/v1/rollouts/1/events?limit=100000", 422, "limit"));
		cases.add(get("selector of 70 terms in the query",
				"/api/v1/targets?selector=" + String.join(",",
						IntStream.range(0, 70).mapToObj(i -> "label-%02d%%3Dvalue-%02d".formatted(i, i)).toList()),
				422, "selector"));
		cases.add(get("selector malformed in the query", "/api/v1/targets?selector=%21a%3Db", 422, "selector"));
		cases.add(get("no such path", "/api/v1/nothing-here", 404, "nothing at this address"));
		cases.add(get("encoded slash", "/api/v1/rollouts/1%2F2", 400, "malformed"));
		cases.add(get("encoded NUL", "/api/v1/rollouts/1%00", 400, "malformed"));
		cases.add(get("encoded dot-dot", "/api/v1/%2e%2e/%2e%2e/etc/passwd", 400, "malformed"));
		cases.add(get("encoded backslash", "/api/v1/rollouts/1%5C..%5C", 400, "malformed"));
		cases.add(Arguments.of("DELETE on a list", "admin", "DELETE", "/api/v1/rollouts", null, null, 405,
				"not allowed"));
		cases
			.add(Arguments.of("viewer posts a rollout", "viewer", "POST", "/api/v1/rollouts", JSON, "{}", 403, "role"));
		cases.add(Arguments.of("anonymous", null, "GET", "/api/v1/targets", null, null, 401, "Sign in"));
		return cases.stream();
	}

	private static void target(List<Arguments> cases, String name, Map<String, Object> overrides, int status,
			String field) {
		cases.add(post("targets: " + name, "manager", "/api/v1/targets", ApiClient.json(List.of(target(overrides))),
				status, field));
	}

	private static void rollout(List<Arguments> cases, String name, Map<String, Object> overrides, int status,
			String field) {
		cases.add(post("rollouts: " + name, "manager", "/api/v1/rollouts", rollout(overrides), status, field));
	}

	private static void connector(List<Arguments> cases, String name, Map<String, Object> overrides, int status,
			String field) {
		Map<String, Object> connector = new LinkedHashMap<>(
				Map.of("name", "hostile-new", "type", "simulator", "settings", Map.of()));
		connector.putAll(overrides);
		cases.add(post("connectors: " + name, "admin", "/api/v1/connectors", ApiClient.json(connector), status, field));
	}

	private static Arguments post(String name, String user, String path, String body, int status, String field) {
		return Arguments.of(name, user, "POST", path, JSON, body, status, field);
	}

	private static Arguments get(String name, String path, int status, String field) {
		return Arguments.of(name, "viewer", "GET", path, null, null, status, field);
	}

	private static Map<String, Object> target(Map<String, Object> overrides) {
		Map<String, Object> target = new LinkedHashMap<>(Map.of("name", "hostile-1", "address", "10.66.0.1", "labels",
				Map.of("app", "apex-central"), "connector", CONNECTOR, "installedVersion", "14.0.6850"));
		target.putAll(overrides);
		return target;
	}

	private static String rollout(Map<String, Object> overrides) {
		Map<String, Object> rollout = new LinkedHashMap<>(Map.of("name", "hostile", "patchId",
				"apex-central-2019-cp-7190", "selector", "app=apex-central", "waves", List.of(wave(Map.of()))));
		rollout.putAll(overrides);
		return ApiClient.json(rollout);
	}

	private static Map<String, Object> wave(Map<String, Object> overrides) {
		Map<String, Object> wave = new LinkedHashMap<>(Map.of("name", "all", "size", "100%", "maxConcurrency", 1));
		wave.putAll(overrides);
		return wave;
	}

	private static Map<String, String> labels(int count) {
		Map<String, String> labels = new LinkedHashMap<>();
		for (int i = 0; i < count; i++) {
			labels.put("%02d".formatted(i) + "k".repeat(61), "v".repeat(63));
		}
		return labels;
	}

	private Map<String, Long> rowCounts() {
		Map<String, Long> counts = new LinkedHashMap<>();
		for (String table : List.of("target", "connector_instance", "rollout", "wave", "deployment")) {
			counts.put(table, this.jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single());
		}
		return counts;
	}

}
