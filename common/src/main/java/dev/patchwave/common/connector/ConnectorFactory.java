package dev.patchwave.common.connector;

import java.util.Set;

/**
 * Creates connectors of one type; one factory per deployment system, collected in a
 * {@link ConnectorRegistry}.
 */
public interface ConnectorFactory {

	String type();

	/**
	 * Builds a connector from its settings.
	 * @throws InvalidConnectorConfigException naming the setting that is wrong and why
	 */
	Connector create(ConnectorConfig config);

	/**
	 * The settings that hold secrets (tokens, private keys, passphrases): stored
	 * encrypted, accepted on write, never shown again.
	 */
	default Set<String> secretSettings() {
		return Set.of();
	}

}
