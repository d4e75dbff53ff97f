package dev.patchwave.orchestrator.connector;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How often every connector is checked against its system ({@code interval}, a minute),
 * and how long one check may take before it counts as no answer ({@code timeout}, 20
 * seconds). {@code enabled} (true) turns the probing off, for tests that script their
 * connectors.
 */
@ConfigurationProperties("patchwave.connectors.probe")
public record ProbeProperties(@DefaultValue("true") boolean enabled, @DefaultValue("PT1M") Duration interval,
		@DefaultValue("PT20S") Duration timeout) {

}
