package dev.patchwave.web.connector;

import dev.patchwave.common.connector.ConnectorHealth;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Each configured connector as a part of {@code /actuator/health/connectors}, looked up
 * when asked, so connectors created at run time show up too. A connector whose breaker is
 * open reports DOWN with why.
 */
@Component("connectors")
class ConnectorsHealth implements CompositeHealthContributor {

	private final ConnectorInstances connectors;

	ConnectorsHealth(ConnectorInstances connectors) {
		this.connectors = connectors;
	}

	@Override
	public HealthContributor getContributor(String name) {
		return this.connectors.find(name).map(instance -> indicator(instance.name())).orElse(null);
	}

	@Override
	public Stream<Entry> stream() {
		return this.connectors.list().stream().map(instance -> new Entry(instance.name(), indicator(instance.name())));
	}

	private HealthIndicator indicator(String name) {
		return () -> {
			ConnectorHealth health = this.connectors.health(name);
			Health.Builder builder = switch (health.status()) {
				case UP -> Health.up();
				case DEGRADED -> Health.unknown().withDetail("degraded", true);
				case DOWN -> Health.down();
			};
			builder.withDetail("detail", health.detail());
			if (health.since() != null) {
				builder.withDetail("since", health.since().toString());
			}
			if (health.retryAt() != null) {
				builder.withDetail("retryAt", health.retryAt().toString());
			}
			return builder.build();
		};
	}

}
