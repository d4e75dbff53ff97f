package dev.patchwave.orchestrator.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwave.common.connector.ConnectorRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;
import dev.patchwave.orchestrator.testsupport.PostgresTest;

/**
 * Secrets are stored encrypted, a node with another key refuses to start, and rotating
 * the key encrypts them again.
 */
@SpringBootTest
@PostgresTest
class StoredSecretsTest {

	private static final String TOKEN = "tok-" + UUID.randomUUID();

	@Autowired
	ConnectorInstances connectors;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	JsonMapper json;

	@Autowired
	ConnectorRegistry registry;

	@Autowired
	SecretCipher cipher;

	@Autowired
	ConnectorProbes probes;

	private final String name = "secret-" + UUID.randomUUID().toString().substring(0, 8);

	@AfterEach
	void removeTheConnector() {
		// re-encrypted under another key, it would stop the next context from starting
		this.jdbc.sql("DELETE FROM connector_instance WHERE name = ?").param(this.name).update();
	}

	@Test
	void theStoredSettingsHoldNoSecretInClear() {
		this.connectors.create(this.name, "scripted", Map.of("token", TOKEN, "note", "plain"));

		String stored = storedSettings();

		assertThat(stored).doesNotContain(TOKEN).contains("aesgcm1:").contains("plain");
		assertThat(this.connectors.find(this.name).orElseThrow().settings()).doesNotContainKey("token");
	}

	@Test
	void aNodeWithAnotherKeyRefusesToStartNamingTheSecret() {
		this.connectors.create(this.name, "scripted", Map.of("token", TOKEN));

		assertThatThrownBy(() -> instances(otherKey(), Optional.empty()).afterSingletonsInstantiated())
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining(this.name + "/token")
			.hasMessageContaining("Every node must use the same key");
	}

	@Test
	void rotatingTheKeyEncryptsTheSecretsAgainWithTheNewOne() {
		this.connectors.create(this.name, "scripted", Map.of("token", TOKEN));
		SecretCipher newKey = otherKey();

		instances(newKey, Optional.of(this.cipher)).afterSingletonsInstantiated();

		String stored = this.json.readValue(storedSettings(), Map.class).get("token").toString();
		assertThat(newKey.decrypt(stored, this.name + "/token")).isEqualTo(TOKEN);
		assertThat(this.cipher.canDecrypt(stored, this.name + "/token")).isFalse();
	}

	private ConnectorInstances instances(SecretCipher key, Optional<SecretCipher> previous) {
		return new ConnectorInstances(this.jdbc, this.json, this.registry, key, Clock.systemUTC(), this.probes,
				new SecretRotation(previous));
	}

	private String storedSettings() {
		return this.jdbc.sql("SELECT settings FROM connector_instance WHERE name = ?")
			.param(this.name)
			.query(String.class)
			.single();
	}

	private static SecretCipher otherKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return new SecretCipher(key);
	}

}
