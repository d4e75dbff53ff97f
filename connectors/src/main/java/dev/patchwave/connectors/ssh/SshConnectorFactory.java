package dev.patchwave.connectors.ssh;

import dev.patchwave.common.connector.ConnectorConfig;
import dev.patchwave.common.connector.ConnectorFactory;
import java.util.Set;

/**
 * Creates {@link SshConnector}s, which install by running commands on each target over
 * SSH.
 */
public final class SshConnectorFactory implements ConnectorFactory {

	public static final String TYPE = "ssh";

	@Override
	public String type() {
		return TYPE;
	}

	@Override
	public SshConnector create(ConnectorConfig config) {
		return new SshConnector(config.name(), SshSettings.parse(config.settings()));
	}

	@Override
	public Set<String> secretSettings() {
		return Set.of(SshSettings.PRIVATE_KEY, SshSettings.PRIVATE_KEY_PASSPHRASE);
	}

}
