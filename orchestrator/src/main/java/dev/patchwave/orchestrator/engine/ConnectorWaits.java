package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.connector.ConnectorHealth;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.event.EventJournal;
import java.time.Instant;
import java.util.Optional;
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

	private final EngineProperties properties;

	ConnectorWaits(ConnectorInstances connectors, EventJournal journal, EngineProperties properties) {
		this.connectors = connectors;
		this.journal = journal;
		this.properties = properties;
	}

	/**
	 * Whether dispatch to the connector must wait because it is down, as its own calls or
	 * the last probe (shared by every node) found it.
	 */
	boolean heldBack(long rolloutId, String connector) {
		ConnectorHealth health = this.connectors.reportedHealth(connector);
		if (health.isDown() && this.waiting.add(rolloutId + "/" + connector)) {
			this.journal.append(rolloutId, EventJournal.ENGINE, "CONNECTOR_UNAVAILABLE",
					"Dispatch to connector '%s' waits: %s".formatted(connector, health.detail()));
			log.warn("Rollout {} waits for connector {}: {}", rolloutId, connector, health.detail());
		}
		return health.isDown();
	}

	/**
	 * Why the rollout must halt rather than wait for the connector: it has refused
	 * requests as misconfigured for longer than waiting could help.
	 */
	Optional<String> misconfiguredTooLong(String connector, Instant now) {
		ConnectorHealth health = this.connectors.reportedHealth(connector);
		if (!health.misconfigured() || health.since() == null
				|| health.since().plus(this.properties.misconfiguredHaltAfter()).isAfter(now)) {
			return Optional.empty();
		}
		return Optional
			.of("connector '%s' has refused requests as misconfigured since %s: %s; fix its settings or the system, then resume"
				.formatted(connector, health.since(), health.detail()));
	}

	/**
	 * A call through the connector was answered (not an infrastructure error): the
	 * rollout waits for it no longer. Said once, after a real answer, not when a breaker
	 * merely lets a trial call through.
	 */
	void answered(long rolloutId, String connector) {
		if (this.waiting.remove(rolloutId + "/" + connector)) {
			this.journal.append(rolloutId, EventJournal.ENGINE, "CONNECTOR_AVAILABLE",
					"Connector '%s' answers again; dispatch resumes".formatted(connector));
			log.info("Rollout {} resumes dispatch to connector {}", rolloutId, connector);
		}
	}

}
