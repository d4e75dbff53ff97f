package dev.patchwave.orchestrator.connector;

import java.time.Instant;
import java.util.Map;

/** A configured deployment system as stored. */
public record ConnectorInstance(long id, String name, String type, Map<String, String> settings, Instant createdAt) {

	public ConnectorInstance {
		settings = Map.copyOf(settings);
	}

}
