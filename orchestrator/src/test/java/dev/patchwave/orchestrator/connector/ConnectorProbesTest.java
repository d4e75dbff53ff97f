package dev.patchwave.orchestrator.connector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwave.common.connector.ConnectorCheck;
import dev.patchwave.common.connector.ConnectorHealth;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a probe's checks read as health. */
class ConnectorProbesTest {

	private static final Instant NOW = Instant.parse("2026-01-08T10:00:00Z");

	@Test
	void allChecksPassedIsUp() {
		ConnectorHealth health = ConnectorProbes.verdict(List.of(ConnectorCheck.passed("reachable", "AWX 24.6"),
				ConnectorCheck.passed("token", "as user patchwave")), NOW);

		assertThat(health.status()).isEqualTo(ConnectorHealth.Status.UP);
		assertThat(health.misconfigured()).isFalse();
	}

	@Test
	void aTokenRefusedWithHttp401IsMisconfiguredAndDown() {
		ConnectorHealth health = ConnectorProbes.verdict(List.of(ConnectorCheck.passed("reachable", "AWX 24.6"),
				ConnectorCheck.failed("token", "AWX refused GET /api/v2/me/ (HTTP 401): Authentication failed")), NOW);

		assertThat(health.status()).isEqualTo(ConnectorHealth.Status.DOWN);
		assertThat(health.misconfigured()).isTrue();
		assertThat(health.detail()).contains("token: AWX refused GET /api/v2/me/ (HTTP 401)");
	}

	@Test
	void aMissingJobTemplateIsMisconfigured() {
		ConnectorHealth health = ConnectorProbes.verdict(
				List.of(ConnectorCheck.failed("install job template", "job template 'apex' not found in AWX")), NOW);

		assertThat(health.misconfigured()).isTrue();
	}

	@Test
	void aSystemAnswering503OrNotAtAllIsDownButNotMisconfigured() {
		ConnectorHealth unavailable = ConnectorProbes.verdict(
				List.of(ConnectorCheck.failed("token", "AWX refused GET /api/v2/me/ (HTTP 503): Service Unavailable")),
				NOW);
		ConnectorHealth unreachable = ConnectorProbes
			.verdict(List.of(ConnectorCheck.failed("reachable", "Connection refused")), NOW);

		assertThat(unavailable.isDown()).isTrue();
		assertThat(unavailable.misconfigured()).isFalse();
		assertThat(unreachable.isDown()).isTrue();
		assertThat(unreachable.misconfigured()).isFalse();
	}

	@Test
	void anSshLoginIsMisconfiguredWhenRefusedAndDownWhenTheHostIsAway() {
		ConnectorHealth refused = ConnectorProbes.verdict(
				List.of(ConnectorCheck.failed("login",
						"could not log in to 10.0.0.1:22 as patchwave: No more authentication methods available")),
				NOW);
		ConnectorHealth away = ConnectorProbes.verdict(List
			.of(ConnectorCheck.failed("login", "could not log in to 10.0.0.1:22 as patchwave: connect timed out")),
				NOW);

		assertThat(refused.misconfigured()).isTrue();
		assertThat(away.misconfigured()).isFalse();
		assertThat(away.isDown()).isTrue();
	}

}
