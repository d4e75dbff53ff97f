package dev.patchwave.connectors.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwave.common.connector.ConnectorConfig;
import dev.patchwave.common.connector.InstallRequest;
import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.patch.Version;
import dev.patchwave.common.target.Target;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ed25519 end to end: a host that offers only an Ed25519 host key, checked against
 * known_hosts, and a user logging in with an Ed25519 key.
 */
class SshEd25519Test {

	@RegisterExtension
	static final SshdHosts hosts = new SshdHosts(1, "ed25519");

	@Test
	void installsOnAHostWithAnEd25519HostKeyLoggingInWithAnEd25519UserKey() throws Exception {
		assertThat(hosts.privateKey()).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
		assertThat(hosts.knownHosts()).contains(" ssh-ed25519 ");
		Version fixed = Version.parse("3.1.0");
		Patch patch = new Patch("P9", "Acme", "Widget", "Widget 3.1.0", "linux", fixed, LocalDate.of(2025, 1, 1),
				List.of(), Map.of());
		Map<String, String> settings = Map.of("user", hosts.user(), "privateKey", hosts.privateKey(), "knownHosts",
				hosts.knownHosts(), "install.P9", hosts.installer() + " ok {{target.name}} {{patch.fixedVersion}}",
				"verify.P9", hosts.verifier() + " {{target.name}}");
		Target target = new Target(1L, "ed-1", hosts.address(0), Map.of(), "fleet", null);

		try (SshConnector connector = new SshConnectorFactory()
			.create(new ConnectorConfig("ed25519-fleet", "ssh", settings))) {
			InstallResult result = connector.install(new InstallRequest(hosts.key("ed25519"), target, patch))
				.toCompletableFuture()
				.get(30, TimeUnit.SECONDS);

			assertThat(result.cause()).as(result.message()).isEqualTo(ResultCause.SUCCEEDED);
			assertThat(result.installedVersion()).isEqualTo(fixed);
		}
	}

}
