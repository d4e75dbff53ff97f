package dev.patchwave.connectors.awx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwave.common.connector.Connector;
import dev.patchwave.common.connector.ConnectorCapabilities;
import dev.patchwave.common.connector.ConnectorConfig;
import dev.patchwave.common.connector.ConnectorRegistry;
import dev.patchwave.common.connector.InvalidConnectorConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AwxConnectorFactoryTest {

	private static final Map<String, String> REQUIRED = Map.of("url", "https://awx.example.com/", "token",
			"t0ken-value", "installJobTemplate", "apex-cp-7190");

	private final AwxConnectorFactory factory = new AwxConnectorFactory();

	@Test
	void isFoundInTheRegistryAsTypeAwxAndKeepsTheTokenSecret() {
		ConnectorRegistry registry = new ConnectorRegistry(List.of(this.factory));

		try (Connector connector = registry.create(new ConnectorConfig("awx-prod", "awx", REQUIRED))) {
			assertThat(connector).isInstanceOf(AwxConnector.class);
		}
		assertThat(this.factory.secretSettings()).containsExactly("token");
	}

	@Test
	void defaultsToFiveSecondPollsTwoHourJobsAndBatchesOfFifty() {
		AwxSettings settings = AwxSettings.parse(REQUIRED);

		assertThat(settings.url()).isEqualTo(URI.create("https://awx.example.com"));
		assertThat(settings.pollInterval()).isEqualTo(Duration.ofSeconds(5));
		assertThat(settings.jobTimeout()).isEqualTo(Duration.ofHours(2));
		assertThat(settings.maxBatchSize()).isEqualTo(50);
		assertThat(settings.rollbackJobTemplate()).isEmpty();
		assertThat(settings.versionFact()).isEmpty();
		assertThat(settings.toString()).doesNotContain("t0ken-value");
	}

	@Test
	void offersBatchingAndRollbackOnlyWithARollbackTemplate() {
		try (Connector plain = create(Map.of("maxBatchSize", "20"));
				Connector withRollback = create(Map.of("rollbackJobTemplate", "12"))) {
			assertThat(plain.capabilities()).isEqualTo(new ConnectorCapabilities(true, false, 20));
			assertThat(withRollback.capabilities()).isEqualTo(new ConnectorCapabilities(true, true, 50));
		}
	}

	@Test
	void readsOptionalSettingsAndTakesBlankOnesAsAbsent() {
		Map<String, String> settings = new HashMap<>(REQUIRED);
		settings.putAll(Map.of("rollbackJobTemplate", " ", "versionFact", "ansible_local.apex.version", "pollInterval",
				"PT0.5S", "jobTimeout", "PT30M", "callTimeout", "PT10S"));

		AwxSettings parsed = AwxSettings.parse(settings);

		assertThat(parsed.rollbackJobTemplate()).isEmpty();
		assertThat(parsed.versionFact()).isEqualTo(Optional.of("ansible_local.apex.version"));
		assertThat(parsed.pollInterval()).isEqualTo(Duration.ofMillis(500));
		assertThat(parsed.jobTimeout()).isEqualTo(Duration.ofMinutes(30));
		assertThat(parsed.resilience().callTimeout()).isEqualTo(Duration.ofSeconds(10));
	}

	@ParameterizedTest
	@CsvSource(quoteCharacter = '"', delimiter = '|',
			textBlock = """
					url                | ftp://awx.example.com | url must be an http or https URL like https://awx.example.com, got 'ftp://awx.example.com'
					url                | awx.example.com       | url must be an http or https URL like https://awx.example.com, got 'awx.example.com'
					url                | https://awx/?x=1      | url must be an http or https URL like https://awx.example.com, got 'https://awx/?x=1'
					url                | https://adm:pw@awx    | url must not carry credentials; give the AWX token in the setting 'token'
					token              | "two words"           | token must not contain spaces or line breaks
					installJobTemplate | ""                    | installJobTemplate is required
					pollInterval       | 5s                    | pollInterval must be an ISO-8601 duration above zero and at most PT10M, like PT5S, got '5s'
					jobTimeout         | PT0S                  | jobTimeout must be an ISO-8601 duration above zero and at most PT24H, like PT2H, got 'PT0S'
					maxBatchSize       | 501                   | maxBatchSize must be a whole number from 1 to 500, got '501'
					breakerOpenFor     | soon                  | breakerOpenFor must be an ISO-8601 duration above zero and at most PT1H, like PT5S, got 'soon'
					""")
	void rejectsInvalidValuesNamingTheSetting(String setting, String value, String reason) {
		assertThatThrownBy(() -> create(Map.of(setting, value)))
			.isInstanceOfSatisfying(InvalidConnectorConfigException.class, ex -> {
				assertThat(ex.setting()).isEqualTo(setting);
				assertThat(ex.getMessage()).isEqualTo(reason);
			});
	}

	@Test
	void requiresTheUrlTheTokenAndTheInstallJobTemplate() {
		assertThatThrownBy(() -> this.factory.create(new ConnectorConfig("awx-prod", "awx", Map.of())))
			.isInstanceOfSatisfying(InvalidConnectorConfigException.class, ex -> {
				assertThat(ex.setting()).isEqualTo("url");
				assertThat(ex.getMessage()).isEqualTo("url is required");
			});
	}

	@Test
	void rejectsUnknownSettingsNamingTheKnownOnes() {
		assertThatThrownBy(() -> create(Map.of("jobtemplate", "apex-cp-7190")))
			.isInstanceOfSatisfying(InvalidConnectorConfigException.class, ex -> {
				assertThat(ex.setting()).isEqualTo("jobtemplate");
				assertThat(ex.getMessage()).isEqualTo("unknown setting 'jobtemplate'; known settings: "
						+ "breakerFailureRate, breakerOpenFor, breakerWindow, callTimeout, callsPerSecond, "
						+ "installJobTemplate, jobTimeout, maxBatchSize, maxConcurrentCalls, pollInterval, "
						+ "retryAttempts, retryBackoff, rollbackJobTemplate, token, url, versionFact");
			});
	}

	private Connector create(Map<String, String> overrides) {
		Map<String, String> settings = new HashMap<>(REQUIRED);
		settings.putAll(overrides);
		return this.factory.create(new ConnectorConfig("awx-prod", "awx", settings));
	}

}
