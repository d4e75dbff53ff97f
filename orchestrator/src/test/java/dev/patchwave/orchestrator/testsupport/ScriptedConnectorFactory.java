package dev.patchwave.orchestrator.testsupport;

import dev.patchwave.common.connector.Connector;
import dev.patchwave.common.connector.ConnectorConfig;
import dev.patchwave.common.connector.ConnectorFactory;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes {@link ScriptedConnector}s and keeps them, so a test can look at what its
 * connector was asked.
 */
public class ScriptedConnectorFactory implements ConnectorFactory {

	private final Map<String, ScriptedConnector> created = new ConcurrentHashMap<>();

	@Override
	public String type() {
		return "scripted";
	}

	/** A token, so that tests can see how secrets are stored. */
	@Override
	public Set<String> secretSettings() {
		return Set.of("token");
	}

	@Override
	public Connector create(ConnectorConfig config) {
		ScriptedConnector connector = new ScriptedConnector(
				Long.parseLong(config.settings().getOrDefault("latencyMillis", "0")),
				Boolean.parseBoolean(config.settings().getOrDefault("gated", "false")));
		this.created.put(config.name(), connector);
		return connector;
	}

	public ScriptedConnector connector(String name) {
		return this.created.get(name);
	}

}
