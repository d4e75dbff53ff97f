package dev.patchwave.web.api;

import dev.patchwave.common.connector.ConnectorCheck;
import dev.patchwave.common.connector.ConnectorHealth;
import dev.patchwave.orchestrator.InvalidInputException;
import dev.patchwave.orchestrator.connector.ConnectorInstance;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.connector.ConnectorProbes;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Configured deployment systems. Creating one builds its connector first, so bad settings
 * are refused at once.
 */
@RestController
@RequestMapping("/api/v1/connectors")
class ConnectorController {

	private final ConnectorInstances connectors;

	private final ConnectorProbes probes;

	ConnectorController(ConnectorInstances connectors, ConnectorProbes probes) {
		this.connectors = connectors;
		this.probes = probes;
	}

	@GetMapping
	List<ConnectorResponse> list() {
		return this.connectors.list().stream().map(ConnectorResponse::of).toList();
	}

	@GetMapping("/{id}")
	ConnectorResponse get(@PathVariable long id) {
		return ConnectorResponse.of(this.connectors.get(id));
	}

	/**
	 * The connector's health as its calls and the last probe of its system show it, and
	 * that probe.
	 */
	@GetMapping("/{id}/health")
	HealthResponse health(@PathVariable long id) {
		String name = this.connectors.get(id).name();
		ConnectorHealth health = this.connectors.reportedHealth(name);
		return new HealthResponse(health.status(), health.detail(), health.since(), health.retryAt(),
				health.misconfigured(), this.probes.last(name).map(ProbeResponse::of).orElse(null));
	}

	/**
	 * Checks the connector against its real system now; 200 with each check's outcome,
	 * {@code ok} when all passed.
	 */
	@PostMapping("/{id}/test")
	TestResponse test(@PathVariable long id) {
		List<ConnectorCheck> checks = this.connectors.test(this.connectors.get(id).name()).toCompletableFuture().join();
		return new TestResponse(checks.stream().allMatch(ConnectorCheck::ok), checks);
	}

	@PostMapping
	ResponseEntity<ConnectorResponse> create(@RequestBody ConnectorRequest request) {
		ConnectorInstance created = this.connectors.create(request.name(), request.type(),
				settings(request.settings()));
		return ResponseEntity.created(URI.create("/api/v1/connectors/" + created.id()))
			.body(ConnectorResponse.of(created));
	}

	/**
	 * Settings arrive as JSON scalars (strings, numbers, booleans); connectors read them
	 * as text.
	 */
	private static Map<String, String> settings(Map<String, Object> settings) {
		Map<String, String> text = new LinkedHashMap<>();
		if (settings == null) {
			return text;
		}
		settings.forEach((key, value) -> {
			if (value == null || value instanceof Map || value instanceof List) {
				throw new InvalidInputException("settings." + key, "must be a string, number or boolean");
			}
			text.put(key, value.toString());
		});
		return text;
	}

	record ConnectorRequest(String name, String type, Map<String, Object> settings) {

	}

	/**
	 * Secret settings appear by name only: they are accepted on write and never shown
	 * again.
	 */
	record ConnectorResponse(long id, String name, String type, Map<String, String> settings, Set<String> secrets,
			Instant createdAt) {

		static ConnectorResponse of(ConnectorInstance instance) {
			return new ConnectorResponse(instance.id(), instance.name(), instance.type(), instance.settings(),
					instance.secrets(), instance.createdAt());
		}

	}

	record TestResponse(boolean ok, List<ConnectorCheck> checks) {

	}

	record HealthResponse(ConnectorHealth.Status status, String detail, Instant since, Instant retryAt,
			boolean misconfigured, ProbeResponse lastProbe) {

	}

	record ProbeResponse(ConnectorHealth.Status status, boolean misconfigured, String detail, Instant checkedAt,
			Instant since) {

		static ProbeResponse of(ConnectorProbes.Probe probe) {
			return new ProbeResponse(probe.health().status(), probe.health().misconfigured(), probe.health().detail(),
					probe.checkedAt(), probe.health().since());
		}

	}

}
