package dev.patchwave.web.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.patchwave.web.ApiClient;
import dev.patchwave.web.ApiClient.Response;
import dev.patchwave.web.PatchwaveWebTest;
import dev.patchwave.orchestrator.connector.ConnectorProber;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A deployment system down or refusing Patchwave is shown as the connector's health,
 * never as the application's: liveness and readiness stay UP.
 */
@PatchwaveWebTest
class ConnectorHealthTest {

	@LocalServerPort
	int port;

	@Autowired
	ConnectorProber prober;

	@Autowired
	JdbcClient jdbc;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	@Test
	void aConnectorDownLeavesTheApplicationUpAndItsGroupDown() throws Exception {
		try (FakeAwx awx = new FakeAwx("right-token", Set.of())) {
			long id = createAwx("down-" + this.run, awx.url(), "right-token");
			awx.goDown();

			this.prober.probe("down-" + this.run);

			ApiClient anonymous = new ApiClient(this.port, null);
			ApiClient viewer = new ApiClient(this.port, "viewer");
			// answers in well under a second; the limit is for a loaded CI machine
			assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
				for (String path : new String[] { "/actuator/health", "/actuator/health/liveness",
						"/actuator/health/readiness" }) {
					Response response = anonymous.get(path);
					assertThat(response.status()).as("%s: %s", path, viewer.get(path).body()).isEqualTo(200);
					assertThat(response.json().get("status").asString()).as(path).isEqualTo("UP");
				}
				Response connectors = viewer.get("/actuator/health/connectors");
				assertThat(connectors.status()).isEqualTo(503);
				assertThat(connectors.json().get("status").asString()).isEqualTo("DOWN");
				assertThat(connectors.json()
					.at("/components/connector/components/down-" + this.run + "/status")
					.asString()).isEqualTo("DOWN");
			});
			JsonNode health = viewer.get("/api/v1/connectors/%d/health".formatted(id)).json();
			assertThat(health.get("status").asString()).isEqualTo("DOWN");
			assertThat(health.get("misconfigured").asBoolean()).isFalse();
			assertThat(health.get("detail").asString()).contains("HTTP 503");
			assertThat(health.at("/lastProbe/checkedAt").asString()).isNotBlank();
		}
	}

	@Test
	void aSystemRefusingTheTokenIsReportedDownAsMisconfiguredWithTheReason() throws Exception {
		try (FakeAwx awx = new FakeAwx("right-token", Set.of())) {
			long id = createAwx("refused-" + this.run, awx.url(), "wrong-token");

			this.prober.probe("refused-" + this.run);

			JsonNode health = new ApiClient(this.port, "viewer").get("/api/v1/connectors/%d/health".formatted(id))
				.json();
			assertThat(health.get("status").asString()).isEqualTo("DOWN");
			assertThat(health.get("misconfigured").asBoolean()).isTrue();
			assertThat(health.get("detail").asString()).contains("HTTP 401");
			// stored, so every node reports the same
			assertThat(this.jdbc.sql("SELECT misconfigured FROM connector_probe WHERE connector = ?")
				.param("refused-" + this.run)
				.query(Boolean.class)
				.single()).isTrue();
			assertThat(new ApiClient(this.port, null).get("/actuator/health/readiness").status()).isEqualTo(200);
		}
	}

	@Test
	void theStoredSettingsHoldNoSecretInClear() throws Exception {
		String token = "never-in-clear-" + this.run;
		try (FakeAwx awx = new FakeAwx(token, Set.of())) {
			createAwx("clear-" + this.run, awx.url(), token);

			String stored = this.jdbc.sql("SELECT settings FROM connector_instance WHERE name = ?")
				.param("clear-" + this.run)
				.query(String.class)
				.single();

			assertThat(stored).doesNotContain(token).contains("aesgcm1:");
			assertThat(new ApiClient(this.port, "admin").get("/api/v1/connectors").body()).doesNotContain(token);
		}
	}

	@Test
	void prometheusAnswersSignedInUsersOnly() {
		Response scrape = new ApiClient(this.port, "viewer").get("/actuator/prometheus");

		assertThat(scrape.status()).isEqualTo(200);
		assertThat(scrape.body()).contains("jvm_memory_used_bytes");
		assertThat(new ApiClient(this.port, null).get("/actuator/prometheus").status()).isEqualTo(401);
	}

	private long createAwx(String name, String url, String token) {
		Response created = new ApiClient(this.port, "admin")
			.post("/api/v1/connectors", ApiClient.json(Map.of("name", name, "type", "awx", "settings",
					Map.of("url", url, "token", token, "installJobTemplate", String.valueOf(FakeAwx.JOB_TEMPLATE)))));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json().get("id").asLong();
	}

}
