package dev.patchwave.web.health;

import dev.patchwave.common.connector.ConnectorHealth;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Each configured connector as a part of the {@code connectors} health group, looked up
 * when asked, so connectors created at run time show up too: DOWN with why when its
 * breaker is open or the last probe found its system down or misconfigured. The
 * application's own health leaves them out (see {@link HealthGroups}).
 */
@Component(ConnectorsHealth.NAME)
class ConnectorsHealth implements CompositeHealthContributor {

	// not "connectors": that is the name of the group that shows it
	static final String NAME = "connector";

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
			ConnectorHealth health = this.connectors.reportedHealth(name);
			Health.Builder builder = switch (health.status()) {
				case UP -> Health.up();
				case DEGRADED -> Health.unknown().withDetail("degraded", true);
				case DOWN -> Health.down();
			};
			builder.withDetail("detail", health.detail());
			if (health.misconfigured()) {
				builder.withDetail("misconfigured", true);
			}
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
