package dev.patchwave.connectors.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwave.common.connector.ConnectorConfig;
import dev.patchwave.common.connector.ConnectorRegistry;
import dev.patchwave.common.connector.InvalidConnectorConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SshConnectorFactoryTest {

	@TempDir
	static Path keys;

	private static SshdHosts.KeyFiles key;

	private final SshConnectorFactory factory = new SshConnectorFactory();

	@BeforeAll
	static void generateKey() throws Exception {
		key = SshdHosts.newKey(keys, "client", "");
	}

	@Test
	void isFoundInTheRegistryAsTypeSshWithItsKeyAndPassphraseSecret() {
		ConnectorRegistry registry = new ConnectorRegistry(List.of(this.factory));

		try (var connector = registry.create(new ConnectorConfig("fleet", "ssh", settings(Map.of())))) {
			assertThat(connector).isInstanceOf(SshConnector.class);
		}
		assertThat(registry.secretSettings("ssh")).containsExactlyInAnyOrder("privateKey", "privateKeyPassphrase");
	}

	@Test
	void defaultsSuitAFleetOfPosixHostsOnPort22() {
		SshSettings settings = SshSettings.parse(settings(Map.of()));

		assertThat(settings.port()).isEqualTo(22);
		assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(settings.commandTimeout()).isEqualTo(Duration.ofMinutes(30));
		assertThat(settings.reconnectTimeout()).isEqualTo(Duration.ofMinutes(5));
		assertThat(settings.kexAlgorithms()).startsWith("curve25519-sha256");
		assertThat(settings.ciphers()).startsWith("chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com");
		assertThat(settings.maxSessions()).isEqualTo(20);
		assertThat(settings.loginsAhead()).isEqualTo(10);
		assertThat(settings.outputTailBytes()).isEqualTo(4096);
		assertThat(settings.shell()).isEqualTo(Shell.POSIX);
		assertThat(settings.trustOnFirstUse()).isFalse();
		assertThat(settings.testHost()).isNull();
	}

	@Test
	void readsPemKeysAndEncryptedKeysWithTheirPassphrase() throws Exception {
		SshdHosts.KeyFiles pemRsa = SshdHosts.newKey(keys, "pem-rsa", "rsa", "", "-m", "PEM", "-b", "2048");
		SshdHosts.KeyFiles encrypted = SshdHosts.newKey(keys, "encrypted", "secret words");

		assertThat(pemRsa.privateKey()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
		assertThat(SshSettings.parse(settings(Map.of("privateKey", pemRsa.privateKey())))
			.key()
			.getPrivate()
			.getAlgorithm()).isEqualTo("RSA");
		assertThat(SshSettings
			.parse(settings(Map.of("privateKey", encrypted.privateKey(), "privateKeyPassphrase", "secret words")))
			.passphrase()).isEqualTo("secret words");
		assertRejected(settings(Map.of("privateKey", encrypted.privateKey(), "privateKeyPassphrase", "wrong words")),
				"privateKey", "privateKey is not a private key Patchwave can read");
	}

	@Test
	void readsEd25519Keys() throws Exception {
		SshdHosts.KeyFiles ed25519 = SshdHosts.newKey(keys, "ed25519", "ed25519", "secret words");

		assertThat(SshSettings
			.parse(settings(Map.of("privateKey", ed25519.privateKey(), "privateKeyPassphrase", "secret words")))
			.key()
			.getPublic()
			.getAlgorithm()).isIn("EdDSA", "Ed25519");
	}

	@Test
	void algorithmsAreCheckedAgainstThoseTheSshLibraryCanUse() {
		assertThat(SshSettings.parse(settings(Map.of("kexAlgorithms", "ecdh-sha2-nistp256", "ciphers", "aes256-ctr")))
			.ciphers()).containsExactly("aes256-ctr");
		assertRejected(settings(Map.of("ciphers", "chacha20-poly1305@openssh.com, rot13")), "ciphers",
				"ciphers: 'rot13' is not an algorithm Patchwave can use; supported: ");
		assertRejected(settings(Map.of("ciphers", "none")), "ciphers", "ciphers: 'none' is not an algorithm");
		assertRejected(settings(Map.of("kexAlgorithms", "diffie-hellman-group0")), "kexAlgorithms",
				"kexAlgorithms: 'diffie-hellman-group0' is not an algorithm Patchwave can use; supported: ");
	}

	@Test
	void unreadableKeyIsRejectedWithoutQuotingIt() {
		String garbage = "-----BEGIN OPENSSH PRIVATE KEY-----\nc2VjcmV0LW1hdGVyaWFs\n-----END OPENSSH PRIVATE KEY-----";

		assertThatThrownBy(() -> this.factory.create(config(Map.of("privateKey", garbage))))
			.isInstanceOfSatisfying(InvalidConnectorConfigException.class, ex -> {
				assertThat(ex.setting()).isEqualTo("privateKey");
				assertThat(ex.getMessage()).contains("is not a private key Patchwave can read")
					.doesNotContain("c2VjcmV0LW1hdGVyaWFs");
			});
	}

	@Test
	void missingUserIsRejected() {
		Map<String, String> settings = settings(Map.of());
		settings.remove("user");

		assertRejected(settings, "user", "user is required");
	}

	@Test
	void unknownVariableInATemplateOverrideIsRejectedNamingSettingAndVariable() {
		assertRejected(settings(Map.of("install.KB5034441", "msiexec /i {{patch.file}}")), "install.KB5034441",
				"install.KB5034441: unknown variable '{{patch.file}}'; known variables: target.name, "
						+ "target.address, patch.id, patch.fixedVersion, key, label.<key>");
	}

	@Test
	void unknownSettingIsRejectedNamingTheKnownOnes() {
		assertRejected(settings(Map.of("password", "hunter2")), "password",
				"unknown setting 'password'; known settings: user, privateKey, privateKeyPassphrase, knownHosts, "
						+ "hostKeyPolicy, port, connectTimeout, commandTimeout, reconnectTimeout, maxSessions, "
						+ "loginsAhead, outputTailBytes, shell, testHost, kexAlgorithms, ciphers, install.<patchId>, verify.<patchId>, rollback.<patchId>, breakerFailureRate, "
						+ "breakerOpenFor, breakerWindow, callTimeout, callsPerSecond, maxConcurrentCalls, "
						+ "retryAttempts, retryBackoff");
	}

	@Test
	void knownHostsIsRequiredUnlessHostsAreTrustedOnFirstUse() {
		Map<String, String> strict = settings(Map.of());
		strict.remove("knownHosts");
		Map<String, String> trusting = new HashMap<>(strict);
		trusting.put("hostKeyPolicy", "trust-on-first-use");

		assertRejected(strict, "knownHosts", "knownHosts is required");
		assertThat(SshSettings.parse(trusting).trustOnFirstUse()).isTrue();
	}

	@ParameterizedTest
	@CsvSource(quoteCharacter = '"', delimiter = '|', textBlock = """
			port           | 0            | port must be a whole number from 1 to 65535, got '0'
			maxSessions    | none         | maxSessions must be a whole number from 1 to 1000, got 'none'
			loginsAhead    | -1           | loginsAhead must be a whole number from 0 to 1000, got '-1'
			outputTailBytes| -1           | outputTailBytes must be a whole number from 0 to 1048576, got '-1'
			connectTimeout | 10s          | connectTimeout must be an ISO-8601 duration above zero and at most PT5M
			commandTimeout | PT0S         | commandTimeout must be an ISO-8601 duration above zero and at most PT24H
			shell          | bash         | shell must be posix or powershell, got 'bash'
			hostKeyPolicy  | accept-all   | hostKeyPolicy must be strict or trust-on-first-use, got 'accept-all'
			testHost       | host:99999   | testHost: 'host:99999' is not an SSH address
			knownHosts     | not a line   | knownHosts
			callTimeout    | PT2H         | callTimeout must be an ISO-8601 duration above zero and at most PT1H
			verify.P1      | "  "         | verify.P1 must be a command, got nothing
			""")
	void invalidValuesAreRejectedNamingTheSetting(String setting, String value, String reason) {
		assertRejected(settings(Map.of(setting, value)), setting, reason);
	}

	private void assertRejected(Map<String, String> settings, String setting, String reason) {
		assertThatThrownBy(() -> this.factory.create(new ConnectorConfig("fleet", "ssh", settings)))
			.isInstanceOfSatisfying(InvalidConnectorConfigException.class, ex -> {
				assertThat(ex.setting()).isEqualTo(setting);
				assertThat(ex.getMessage()).startsWith(reason);
			});
	}

	private static ConnectorConfig config(Map<String, String> overrides) {
		return new ConnectorConfig("fleet", "ssh", settings(overrides));
	}

	private static HashMap<String, String> settings(Map<String, String> overrides) {
		HashMap<String, String> settings = new HashMap<>();
		settings.put("user", "deploy");
		settings.put("privateKey", key.privateKey());
		settings.put("knownHosts", "[127.0.0.2]:2222 " + key.publicKey());
		settings.putAll(overrides);
		return settings;
	}

}
