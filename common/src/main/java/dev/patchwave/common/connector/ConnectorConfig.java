package dev.patchwave.common.connector;

import java.util.Map;

/**
 * A connector instance as configured: its unique name, its type, and its type-specific
 * settings.
 */
public record ConnectorConfig(String name, String type, Map<String, String> settings) {

	public ConnectorConfig {
		settings = Map.copyOf(settings);
	}

}
