package dev.patchwave.connectors.awx;

import dev.patchwave.common.connector.Connector;
import dev.patchwave.common.connector.ConnectorConfig;
import dev.patchwave.common.connector.ConnectorFactory;
import java.util.Set;

/**
 * Creates connectors that install through AWX job templates; creating one checks its
 * settings only.
 */
public final class AwxConnectorFactory implements ConnectorFactory {

	public static final String TYPE = "awx";

	@Override
	public String type() {
		return TYPE;
	}

	@Override
	public Connector create(ConnectorConfig config) {
		return new AwxConnector(config.name(), AwxSettings.parse(config.settings()));
	}

	@Override
	public Set<String> secretSettings() {
		return Set.of(AwxSettings.TOKEN);
	}

}
