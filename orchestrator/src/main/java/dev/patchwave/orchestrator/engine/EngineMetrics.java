package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.connector.ResultCause;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;

/**
 * The engine's meters: install results by cause and how long installs take, and what is
 * in flight.
 */
class EngineMetrics {

	private final MeterRegistry registry;

	EngineMetrics(MeterRegistry registry, Collection<Long> inFlight) {
		this.registry = registry;
		Gauge.builder("patchwave.deployments.in.flight", inFlight, Collection::size)
			.description("Connector calls outstanding on this node")
			.register(registry);
	}

	void recordResult(ResultCause cause, Duration took) {
		Timer.builder("patchwave.install.duration")
			.description("Time from connector call to result, by classified cause")
			.tag("cause", cause.name())
			.register(this.registry)
			.record(took);
	}

}
