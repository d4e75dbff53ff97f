package dev.patchwave.web.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchwave.connectors.ssh.SshdHosts;
import dev.patchwave.web.ApiClient;
import dev.patchwave.web.ApiClient.Response;
import dev.patchwave.web.PatchwaveWebTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A rollout over hosts behind a real OpenSSH server on loopback, through the API:
 * installs and verifies wave by wave, halts on a host whose installer fails, and rolls
 * every installed host back. The private key never shows in a response or a log line.
 */
@PatchwaveWebTest
@ExtendWith(OutputCaptureExtension.class)
class SshRolloutTest {

	private static final String PATCH = "apex-central-2019-cp-7190";

	@RegisterExtension
	static SshdHosts hosts = new SshdHosts(4);

	@LocalServerPort
	int port;

	private final List<String> responses = new ArrayList<>();

	@Test
	void installsVerifiesHaltsAndRollsBackThroughSsh(CapturedOutput output) throws Exception {
		String run = UUID.randomUUID().toString().substring(0, 8);
		String connector = "ssh-" + run;
		ApiClient admin = new ApiClient(this.port, "admin");
		ApiClient operator = new ApiClient(this.port, "operator");
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("user", hosts.user());
		settings.put("privateKey", hosts.privateKey());
		settings.put("knownHosts", hosts.knownHosts());
		settings.put("install." + PATCH,
				hosts.installer() + " {{label.behaviour}} {{target.name}} {{patch.fixedVersion}}");
		settings.put("verify." + PATCH, hosts.verifier() + " {{target.name}}");
		settings.put("rollback." + PATCH, hosts.rollbacker() + " {{target.name}}");
		Response created = record(admin.post("/api/v1/connectors",
				ApiClient.json(Map.of("name", connector, "type", "ssh", "settings", settings))));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		assertThat(created.json().get("secrets")).extracting(JsonNode::asString).containsExactly("privateKey");

		List<Map<String, Object>> targets = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			String name = "%s-win-%d".formatted(run, i);
			hosts.setVersion(name, "14.0.6850");
			targets.add(Map.of("name", name, "address", hosts.address(i), "labels",
					Map.of("run", run, "behaviour", i == 3 ? "fail" : "ok"), "connector", connector, "installedVersion",
					"14.0.6850"));
		}
		record(admin.post("/api/v1/targets", ApiClient.json(targets)));
		long id = record(admin.post("/api/v1/rollouts",
				ApiClient.json(Map.of("name", "ssh " + run, "patchId", PATCH, "selector", "run=" + run, "waves",
						List.of(Map.of("name", "first", "size", "2", "maxConcurrency", 2),
								Map.of("name", "second", "size", "100%", "maxConcurrency", 1))))))
			.json()
			.get("id")
			.asLong();

		record(operator.post("/api/v1/rollouts/%d/start".formatted(id)));
		awaitState(operator, id, "HALTED");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> record(operator.get("/api/v1/rollouts/" + id)).json().at("/totals/dispatched").asInt() == 0);
		JsonNode halted = record(operator.get("/api/v1/rollouts/" + id)).json();
		int installed = halted.at("/totals/succeeded").asInt();
		assertThat(installed).isBetween(2, 3);
		assertThat(hosts.version(run + "-win-0")).isEqualTo("14.0.7190");
		assertThat(record(operator.get("/api/v1/rollouts/%d/deployments?state=SUCCEEDED".formatted(id))).json()
			.get("items")).allSatisfy(d -> assertThat(d.get("installedVersion").asString()).isEqualTo("14.0.7190"));
		JsonNode failed = record(operator.get("/api/v1/rollouts/%d/deployments?state=FAILED".formatted(id))).json();
		assertThat(failed.at("/items/0/target").asString()).isEqualTo(run + "-win-3");
		assertThat(failed.at("/items/0/exitCode").asInt()).isEqualTo(1);
		assertThat(failed.at("/items/0/message").asString()).contains("not enough disk space");

		record(operator.post("/api/v1/rollouts/%d/rollback".formatted(id)));

		JsonNode rolledBack = awaitState(operator, id, "ROLLED_BACK");
		assertThat(rolledBack.at("/totals/rolledBack").asInt()).isEqualTo(installed);
		for (int i = 0; i < 3; i++) {
			assertThat(hosts.version(run + "-win-" + i)).as("host %d after rollback", i).isEqualTo("14.0.6850");
		}
		assertThat(hosts.runs(run + "-win-0")).isOne();
		assertThat(record(admin.get("/api/v1/targets?selector=run=" + run)).json().get("items"))
			.allSatisfy(t -> assertThat(t.get("installedVersion").asString()).isEqualTo("14.0.6850"));
		record(operator.get("/api/v1/rollouts/%d/events?limit=1000".formatted(id)));
		record(admin.get("/api/v1/connectors"));

		String keyBody = hosts.privateKey().lines().filter(line -> !line.startsWith("-----")).findFirst().orElseThrow();
		assertThat(this.responses).noneMatch(body -> body.contains(keyBody));
		assertThat(output.getAll()).doesNotContain(keyBody);
	}

	private JsonNode awaitState(ApiClient client, long id, String state) {
		return await().atMost(Duration.ofSeconds(60))
			.until(() -> record(client.get("/api/v1/rollouts/" + id)).json(),
					rollout -> rollout.get("state").asString().equals(state));
	}

	private Response record(Response response) {
		this.responses.add(response.body());
		return response;
	}

}
