package dev.patchwave.orchestrator.patch;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the fleet's exposure is served.
 *
 * @param freshFor how long the exposure counted over the whole fleet is served before it
 * is counted again (in the background, the older figure served meanwhile): dashboards and
 * scripts polling it must not each count 100,000 hosts; zero counts on every read
 */
@ConfigurationProperties("patchwave.exposure")
public record ExposureProperties(@DefaultValue("PT2S") Duration freshFor) {

	public ExposureProperties {
		if (freshFor.isNegative()) {
			throw new IllegalArgumentException("patchwave.exposure.fresh-for must not be negative");
		}
	}

}
