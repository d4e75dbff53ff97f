package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.connector.ConnectorHealth;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.event.EventJournal;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Holds dispatch back for a connector that is down; journals when a rollout starts and
 * stops waiting for it, once each, not on every step.
 */
@Component
class ConnectorWaits {

	private static final Logger log = LoggerFactory.getLogger(ConnectorWaits.class);

	private final ConnectorInstances connectors;

	private final EventJournal journal;

	/** Rollout and connector pairs whose dispatch waits, as rolloutId/name. */
	private final Set<String> waiting = ConcurrentHashMap.newKeySet();

	ConnectorWaits(ConnectorInstances connectors, EventJournal journal) {
		this.connectors = connectors;
		this.journal = journal;
	}

	/** Whether dispatch to the connector must wait because it is down. */
	boolean heldBack(long rolloutId, String connector) {
		ConnectorHealth health = this.connectors.health(connector);
		String key = rolloutId + "/" + connector;
		if (health.isDown()) {
			if (this.waiting.add(key)) {
				this.journal.append(rolloutId, EventJournal.ENGINE, "CONNECTOR_UNAVAILABLE",
						"Dispatch to connector '%s' waits: %s".formatted(connector, health.detail()));
				log.warn("Rollout {} waits for connector {}: {}", rolloutId, connector, health.detail());
			}
			return true;
		}
		if (this.waiting.remove(key)) {
			this.journal.append(rolloutId, EventJournal.ENGINE, "CONNECTOR_AVAILABLE",
					"Connector '%s' answers again; dispatch resumes".formatted(connector));
			log.info("Rollout {} resumes dispatch to connector {}", rolloutId, connector);
		}
		return false;
	}

}
