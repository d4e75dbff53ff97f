package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.target.Target;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.rollout.DeploymentRow;
import dev.patchwave.orchestrator.rollout.DeploymentStore;
import dev.patchwave.orchestrator.rollout.WaveRow;
import dev.patchwave.orchestrator.target.TargetRepository;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * When a wave starts, tells the connectors which targets the next waves send to first, so
 * that a connector that pays for each target before it can call it (an SSH login: a
 * handshake and a process on the host) pays while the running wave's installs take their
 * time, not while the next wave's slots wait. Off the engine's path: it reads and calls
 * on a thread of its own, and nothing it does can hold up or fail a step.
 */
@Component
class WaveLookahead {

	private static final Logger log = LoggerFactory.getLogger(WaveLookahead.class);

	/**
	 * How many rounds of a following wave's slots are prepared: the first round starts at
	 * once, the second as soon as the first frees its slots. Later rounds pay for
	 * themselves as they are sent, each while the rest of its wave keeps the other slots
	 * busy.
	 */
	private static final int ROUNDS_AHEAD = 2;

	private final DeploymentStore deployments;

	private final TargetRepository targets;

	private final ConnectorInstances connectors;

	private final CallsInFlight calls;

	WaveLookahead(DeploymentStore deployments, TargetRepository targets, ConnectorInstances connectors,
			CallsInFlight calls) {
		this.deployments = deployments;
		this.targets = targets;
		this.connectors = connectors;
		this.calls = calls;
	}

	/**
	 * Prepares the first targets of the waves that follow the one just started, in plan
	 * order.
	 */
	void prepare(long rolloutId, List<WaveRow> following) {
		this.calls.execute(() -> {
			try {
				List<DeploymentRow> first = new ArrayList<>();
				for (WaveRow wave : following) {
					first.addAll(this.deployments.pending(wave, ROUNDS_AHEAD * wave.maxConcurrency(), Set.of()));
				}
				Map<Long, Target> byId = this.targets.findAll(first.stream().map(DeploymentRow::targetId).toList());
				Map<String, List<Target>> byConnector = first.stream()
					.map(deployment -> byId.get(deployment.targetId()))
					.filter(Objects::nonNull)
					.collect(Collectors.groupingBy(Target::connector, LinkedHashMap::new, Collectors.toList()));
				byConnector.forEach((name, group) -> this.connectors.connector(name).prepare(group));
			}
			catch (RuntimeException ex) {
				log.info("Rollout {}: could not prepare the next waves ahead ({}); their installs prepare themselves",
						rolloutId, ex.getMessage());
			}
		});
	}

}
