package dev.patchwave.connectors.simulator;

import dev.patchwave.common.connector.ConnectorConfig;
import dev.patchwave.common.connector.ConnectorFactory;

/**
 * Creates {@link SimulatorConnector}s, for demos and tests that need a fleet without
 * touching one.
 */
public final class SimulatorConnectorFactory implements ConnectorFactory {

	public static final String TYPE = "simulator";

	@Override
	public String type() {
		return TYPE;
	}

	@Override
	public SimulatorConnector create(ConnectorConfig config) {
		return new SimulatorConnector(config.name(), SimulatorSettings.parse(config.settings()));
	}

}
