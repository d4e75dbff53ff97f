package dev.patchwave.orchestrator.rollout;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a rollout is served to those who poll it.
 *
 * @param freshFor how long a rollout's detailed view, once built, is served to every
 * reader before it is built again; a change of the rollout made on this node renews it at
 * once, so the figure bounds only how late changes made on other nodes and connectors'
 * health show; zero builds it on every read
 */
@ConfigurationProperties("patchwave.rollout-reads")
public record RolloutReadProperties(@DefaultValue("PT1S") Duration freshFor) {

	public RolloutReadProperties {
		if (freshFor.isNegative()) {
			throw new IllegalArgumentException("patchwave.rollout-reads.fresh-for must not be negative");
		}
	}

}
