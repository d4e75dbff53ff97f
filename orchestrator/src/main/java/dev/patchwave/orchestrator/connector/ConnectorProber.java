package dev.patchwave.orchestrator.connector;

import dev.patchwave.common.connector.ConnectorCheck;
import dev.patchwave.common.connector.ConnectorHealth;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Checks every connector against its real system now and then (AWX: its ping and the
 * token; SSH: a login to its test host) through the connector's own test, and stores the
 * outcome for all nodes. Every node probes: a probe is cheap, and a node that lost its
 * way to a system learns it too.
 */
@Component
public class ConnectorProber {

	private static final Logger log = LoggerFactory.getLogger(ConnectorProber.class);

	private final ConnectorInstances connectors;

	private final ConnectorProbes probes;

	private final ProbeProperties properties;

	private final Clock clock;

	private final ScheduledExecutorService timer = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("connector-prober").daemon().factory());

	public ConnectorProber(ConnectorInstances connectors, ConnectorProbes probes, ProbeProperties properties,
			Clock clock) {
		this.connectors = connectors;
		this.probes = probes;
		this.properties = properties;
		this.clock = clock;
	}

	@EventListener(ApplicationReadyEvent.class)
	void start() {
		if (this.properties.enabled()) {
			this.timer.scheduleWithFixedDelay(this::probeAll, 0, this.properties.interval().toMillis(),
					TimeUnit.MILLISECONDS);
		}
	}

	/** Probes every connector once, one after the other. */
	public void probeAll() {
		try {
			this.connectors.list().forEach(instance -> probe(instance.name()));
		}
		catch (RuntimeException ex) {
			// the database may be away; the next round tries again
			log.warn("Could not probe the connectors: {}", ex.getMessage());
		}
	}

	/** Probes one connector now and stores what it found. */
	public ConnectorHealth probe(String name) {
		ConnectorHealth health;
		try {
			List<ConnectorCheck> checks = this.connectors.test(name)
				.toCompletableFuture()
				.get(this.properties.timeout().toMillis(), TimeUnit.MILLISECONDS);
			health = ConnectorProbes.verdict(checks, this.clock.instant());
		}
		catch (TimeoutException ex) {
			health = new ConnectorHealth(ConnectorHealth.Status.DOWN,
					"no answer to the probe within " + this.properties.timeout(), this.clock.instant(), null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (Exception ex) {
			Throwable cause = ex.getCause() == null ? ex : ex.getCause();
			health = new ConnectorHealth(ConnectorHealth.Status.DOWN, "the probe failed: " + cause.getMessage(),
					this.clock.instant(), null);
		}
		this.probes.record(name, health);
		if (health.isDown()) {
			log.warn("Connector {} is down: {}", name, health.detail());
		}
		return health;
	}

	@PreDestroy
	void stop() {
		this.timer.shutdownNow();
	}

}
