package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.connector.Connector;
import dev.patchwave.common.connector.ConnectorCapabilities;
import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.target.Target;
import dev.patchwave.common.wave.WaveState;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.event.EventJournal;
import dev.patchwave.orchestrator.rollout.DeploymentRow;
import dev.patchwave.orchestrator.rollout.DeploymentStore;
import dev.patchwave.orchestrator.rollout.RolloutRow;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import dev.patchwave.orchestrator.rollout.WaveRow;
import dev.patchwave.orchestrator.target.TargetRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.springframework.stereotype.Component;

/**
 * Fills a wave's free slots: marks pending targets dispatched, or skipped when they
 * already run the fixed version, in one transaction; only then hands the calls to their
 * connectors, in batches to systems that run one job for many targets.
 */
@Component
class Dispatcher {

	private final RolloutStore store;

	private final DeploymentStore deployments;

	private final TargetRepository targets;

	private final ConnectorInstances connectors;

	private final ConnectorWaits waits;

	private final DispatchWindows windows;

	private final EventJournal journal;

	private final Patches patches;

	private final EngineTransactions tx;

	private final Clock clock;

	Dispatcher(RolloutStore store, DeploymentStore deployments, TargetRepository targets, ConnectorInstances connectors,
			ConnectorWaits waits, DispatchWindows windows, EventJournal journal, Patches patches, EngineTransactions tx,
			Clock clock) {
		this.store = store;
		this.deployments = deployments;
		this.targets = targets;
		this.connectors = connectors;
		this.waits = waits;
		this.windows = windows;
		this.journal = journal;
		this.patches = patches;
		this.tx = tx;
		this.clock = clock;
	}

	/**
	 * Claims up to {@code free} pending targets of the wave. Targets behind a connector
	 * that is down, or outside their maintenance window, stay pending and are passed
	 * over, so they never hold up other targets. The claim is committed when this
	 * returns; skips take no slot, so the caller steps again when any were skipped.
	 */
	Claim claim(RolloutRow rollout, WaveRow wave, int free) {
		Patch patch = this.patches.get(rollout.patchId());
		Instant now = this.clock.instant();
		DispatchWindows.Gate gate = this.windows.gate(rollout, now);
		if (gate.closed()) {
			return Claim.NONE;
		}
		return this.tx.callWhileRunning(rollout.id(), () -> {
			if (this.store.waveState(wave.id()) != WaveState.RUNNING) {
				return Claim.NONE;
			}
			List<Call> calls = new ArrayList<>();
			Set<String> down = new HashSet<>();
			Set<String> up = new HashSet<>();
			Set<Long> outside = new HashSet<>();
			List<String> haltReasons = new ArrayList<>();
			boolean skipped = false;
			List<DeploymentRow> pending = this.deployments.pending(wave, free, down);
			while (!pending.isEmpty()) {
				int downBefore = down.size();
				int outsideBefore = outside.size();
				Map<Long, Target> targets = this.targets
					.findAll(pending.stream().map(DeploymentRow::targetId).toList());
				List<DeploymentRow> dispatching = new ArrayList<>();
				for (DeploymentRow deployment : pending) {
					if (outside.contains(deployment.id())) {
						continue;
					}
					Target target = targets.get(deployment.targetId());
					if (target == null) {
						throw new NotFoundException("target", deployment.targetName());
					}
					String connector = target.connector();
					if (down.contains(connector)
							|| (!up.contains(connector) && this.waits.heldBack(rollout.id(), connector))) {
						if (down.add(connector)) {
							this.waits.misconfiguredTooLong(connector, now).ifPresent(haltReasons::add);
						}
					}
					else if (!gate.allows(target)) {
						outside.add(deployment.id());
					}
					else if (!patch.isNeededAt(target.installedVersion())) {
						up.add(connector);
						skip(rollout.id(), deployment, target, patch, now);
						skipped = true;
					}
					else {
						up.add(connector);
						dispatching.add(deployment);
					}
				}
				dispatch(rollout.id(), dispatching, targets, patch, now, calls);
				if (calls.size() == free || (down.size() == downBefore && outside.size() == outsideBefore)) {
					break;
				}
				// targets passed over for their window are still pending: read past them
				pending = this.deployments.pending(wave, free - calls.size() + outside.size(), down);
			}
			return new Claim(calls, skipped, haltReasons);
		}, Claim.NONE);
	}

	private void skip(long rolloutId, DeploymentRow deployment, Target target, Patch patch, Instant now) {
		this.deployments.markSkipped(deployment, target.installedVersion().toString(),
				"Already at %s, the fixed version is %s".formatted(target.installedVersion(), patch.fixedVersion()),
				now);
		this.journal.append(rolloutId, EventJournal.ENGINE, "TARGET_SKIPPED", deployment.wave(), target.name(),
				"Already at " + target.installedVersion());
	}

	/**
	 * Marks the deployments dispatched in one batch, each under a new key; adds their
	 * calls.
	 */
	private void dispatch(long rolloutId, List<DeploymentRow> deployments, Map<Long, Target> targets, Patch patch,
			Instant now, List<Call> calls) {
		List<String> keys = deployments.stream().map(Dispatcher::keyFor).toList();
		boolean[] marked = this.deployments.markDispatched(deployments, keys, now);
		for (int i = 0; i < marked.length; i++) {
			if (marked[i]) {
				DeploymentRow deployment = deployments.get(i);
				Target target = targets.get(deployment.targetId());
				this.journal.append(rolloutId, EventJournal.ENGINE, "TARGET_DISPATCHED", deployment.wave(),
						target.name(), "Dispatched to connector '%s'".formatted(target.connector()));
				calls.add(new Call(rolloutId, deployment.id(), deployment.wave(), keys.get(i), target, patch));
			}
		}
	}

	/**
	 * The key of a target's next attempt: new, unless its last call never got a definite
	 * answer (released back to pending, or met an outage), whose key it sends again.
	 */
	private static String keyFor(DeploymentRow deployment) {
		boolean unanswered = deployment.idempotencyKey() != null && (deployment.cause() == null
				|| deployment.cause().isInfrastructureError() || deployment.cause().isConnectorError());
		return unanswered ? deployment.idempotencyKey() : Call.installKey(deployment.id(), deployment.attempts() + 1);
	}

	/**
	 * Calls the connectors; a call its connector refused at once completes exceptionally.
	 */
	List<Sent> send(List<Call> calls) {
		Map<String, List<Call>> byConnector = new LinkedHashMap<>();
		calls.forEach(
				call -> byConnector.computeIfAbsent(call.target().connector(), name -> new ArrayList<>()).add(call));
		List<Sent> sent = new ArrayList<>();
		byConnector.forEach((name, group) -> {
			Connector connector;
			try {
				connector = this.connectors.connector(name);
			}
			catch (RuntimeException ex) {
				group.forEach(call -> sent.add(new Sent(call, CompletableFuture.failedFuture(ex))));
				return;
			}
			ConnectorCapabilities capabilities = connector.capabilities();
			int batchSize = capabilities.batching() ? capabilities.maxBatchSize() : 1;
			for (int from = 0; from < group.size(); from += batchSize) {
				List<Call> batch = group.subList(from, Math.min(from + batchSize, group.size()));
				List<CompletionStage<InstallResult>> outcomes;
				try {
					outcomes = batch.size() == 1 ? List.of(connector.install(batch.get(0).request()))
							: connector.installBatch(batch.stream().map(Call::request).toList());
				}
				catch (RuntimeException ex) {
					outcomes = batch.stream()
						.<CompletionStage<InstallResult>>map(call -> CompletableFuture.failedFuture(ex))
						.toList();
				}
				for (int i = 0; i < batch.size(); i++) {
					sent.add(new Sent(batch.get(i), outcomes.get(i)));
				}
			}
		});
		return sent;
	}

	/**
	 * The calls claimed, whether targets were skipped on the way, and why the rollout
	 * must halt rather than wait, if it must.
	 */
	record Claim(List<Call> calls, boolean skipped, List<String> haltReasons) {

		static final Claim NONE = new Claim(List.of(), false, List.of());

	}

	/** A call handed to its connector, with the outcome to come. */
	record Sent(Call call, CompletionStage<InstallResult> outcome) {

	}

}
