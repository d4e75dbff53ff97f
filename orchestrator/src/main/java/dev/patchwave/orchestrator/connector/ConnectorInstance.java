package dev.patchwave.orchestrator.connector;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A configured deployment system as shown to people: its plain settings, and only the
 * names of the secret settings that are set, never their values.
 */
public record ConnectorInstance(long id, String name, String type, Map<String, String> settings, Set<String> secrets,
		Instant createdAt) {

	public ConnectorInstance {
		settings = Map.copyOf(settings);
		secrets = Set.copyOf(secrets);
	}

}
