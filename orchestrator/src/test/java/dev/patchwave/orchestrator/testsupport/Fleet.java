package dev.patchwave.orchestrator.testsupport;

import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.rollout.RolloutRequest;
import dev.patchwave.orchestrator.rollout.RolloutRequest.WaveRequest;
import dev.patchwave.orchestrator.target.TargetService;
import dev.patchwave.orchestrator.target.TargetSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * Test data: a fleet of its own per test, set apart by a unique {@code run} label, so
 * tests share one database without seeing each other's targets.
 */
public final class Fleet {

	public static final String APEX_PATCH = "apex-central-2019-cp-7190";

	public static final String VULNERABLE = "14.0.6850";

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private final ConnectorInstances connectors;

	private final TargetService targets;

	private String connector;

	private int connectorsMade;

	public Fleet(ConnectorInstances connectors, TargetService targets) {
		this.connectors = connectors;
		this.targets = targets;
	}

	public String run() {
		return this.run;
	}

	public String selector() {
		return "run=" + this.run;
	}

	public String connector() {
		return this.connector;
	}

	/** A connector instance of its own for this fleet. */
	public Fleet withConnector(String type, Map<String, String> settings) {
		this.connector = type + "-" + this.run + (this.connector == null ? "" : "-" + this.connectorsMade);
		this.connectorsMade++;
		this.connectors.create(this.connector, type, settings);
		return this;
	}

	/**
	 * Registers {@code count} vulnerable targets named host-000 upwards, each with extra
	 * labels of its own.
	 */
	public Fleet withTargets(int count, IntFunction<Map<String, String>> extraLabels) {
		return withTargets(0, count, extraLabels);
	}

	/**
	 * Registers targets host-{@code first} to host-{@code first + count - 1} behind the
	 * fleet's current connector.
	 */
	public Fleet withTargets(int first, int count, IntFunction<Map<String, String>> extraLabels) {
		List<TargetSpec> specs = new ArrayList<>();
		for (int i = first; i < first + count; i++) {
			Map<String, String> labels = new HashMap<>(extraLabels.apply(i));
			labels.put("run", this.run);
			labels.put("app", "apex-central");
			specs.add(new TargetSpec(name(i), "10.0.%d.%d".formatted(i / 250, i % 250 + 1), labels, this.connector,
					labels.containsKey("patched") ? "14.0.7190" : VULNERABLE));
		}
		this.targets.upsert(specs);
		return this;
	}

	public Fleet withTargets(int count) {
		return withTargets(count, i -> Map.of());
	}

	public String name(int index) {
		return "%s-host-%03d".formatted(this.run, index);
	}

	public RolloutRequest rollout(WaveRequest... waves) {
		return rollout(AdvanceMode.AUTO, Duration.ZERO, null, waves);
	}

	public RolloutRequest rollout(AdvanceMode advance, Duration bake, Instant notBefore, WaveRequest... waves) {
		return new RolloutRequest("Apex Central CP 7190 " + this.run, APEX_PATCH, selector(), advance, bake, notBefore,
				List.of(waves));
	}

	public static WaveRequest wave(String name, String size, int maxConcurrency, String failureThreshold) {
		return new WaveRequest(name, size, maxConcurrency, failureThreshold);
	}

}
