package dev.patchwave.connectors.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwave.common.connector.ConnectorConfig;
import dev.patchwave.common.connector.ConnectorRegistry;
import dev.patchwave.common.connector.InvalidConnectorConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SimulatorConnectorFactoryTest {

	private final SimulatorConnectorFactory factory = new SimulatorConnectorFactory();

	@Test
	void isFoundInTheRegistryAsTypeSimulator() {
		ConnectorRegistry registry = new ConnectorRegistry(List.of(this.factory));
		try (var connector = registry.create(new ConnectorConfig("lab", "simulator", Map.of()))) {
			assertThat(connector).isInstanceOf(SimulatorConnector.class);
		}
	}

	@Test
	void defaultsToTwoSecondInstallsThatAlwaysSucceed() {
		assertThat(SimulatorSettings.parse(Map.of())).isEqualTo(new SimulatorSettings(Duration.ofSeconds(2),
				Duration.ZERO, 0.0, 0.0, 0.0, OptionalLong.empty(), Optional.empty()));
	}

	@Test
	void readsEverySetting() {
		Map<String, String> settings = Map.of("installLatency", "PT0.5S", "latencyJitter", " PT1S ", "failureRate",
				"0.1", "transientRate", "0.25", "rebootRate", "1", "seed", "-42", "recordFile", "/tmp/installs.jsonl");
		assertThat(SimulatorSettings.parse(settings))
			.isEqualTo(new SimulatorSettings(Duration.ofMillis(500), Duration.ofSeconds(1), 0.1, 0.25, 1.0,
					OptionalLong.of(-42), Optional.of(Path.of("/tmp/installs.jsonl"))));
	}

	@ParameterizedTest
	@CsvSource(quoteCharacter = '"', delimiter = '|', textBlock = """
			failureRate    | 1.5   | failureRate must be a number between 0 and 1, got '1.5'
			transientRate  | -0.1  | transientRate must be a number between 0 and 1, got '-0.1'
			rebootRate     | often | rebootRate must be a number between 0 and 1, got 'often'
			failureRate    | NaN   | failureRate must be a number between 0 and 1, got 'NaN'
			installLatency | 2s    | installLatency must be an ISO-8601 duration like PT2S or PT0.5S, got '2s'
			installLatency | PT-1S | installLatency must not be negative, got 'PT-1S'
			latencyJitter  | P2D   | latencyJitter must be at most PT24H, got 'P2D'
			seed           | 4.2   | seed must be a whole number, got '4.2'
			recordFile     | /no/such/dir/r.jsonl | recordFile: the directory /no/such/dir does not exist
			""")
	void rejectsInvalidValuesNamingTheSetting(String setting, String value, String reason) {
		assertThatThrownBy(() -> this.factory.create(new ConnectorConfig("lab", "simulator", Map.of(setting, value))))
			.isInstanceOfSatisfying(InvalidConnectorConfigException.class, ex -> {
				assertThat(ex.setting()).isEqualTo(setting);
				assertThat(ex.getMessage()).isEqualTo(reason);
			});
	}

	@Test
	void rejectsUnknownSettingsNamingTheKnownOnes() {
		assertThatThrownBy(() -> this.factory
			.create(new ConnectorConfig("lab", "simulator", Map.of("failureRate", "0.5", "failurerate", "0.5"))))
			.isInstanceOfSatisfying(InvalidConnectorConfigException.class, ex -> {
				assertThat(ex.setting()).isEqualTo("failurerate");
				assertThat(ex.getMessage()).isEqualTo("unknown setting 'failurerate'; known settings: "
						+ "failureRate, installLatency, latencyJitter, rebootRate, recordFile, seed, transientRate");
			});
	}

}
