package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.patch.Version;
import dev.patchwave.common.target.Target;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.event.EventJournal;
import dev.patchwave.orchestrator.rollout.DeploymentRow;
import dev.patchwave.orchestrator.rollout.DeploymentVerifications;
import dev.patchwave.orchestrator.rollout.RolloutRow;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import dev.patchwave.orchestrator.rollout.WaveRow;
import dev.patchwave.orchestrator.target.TargetRepository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Before a wave finishes, reads again the version of its targets whose fix is not
 * confirmed: a host that was waiting for a reboot and now runs the fixed version is
 * fixed; one that installed but still reads the old version is waiting for its reboot.
 * Only those targets are asked, so a connector that verified with its install pays no
 * second call.
 */
@Component
class WaveVerifier {

	private static final Logger log = LoggerFactory.getLogger(WaveVerifier.class);

	private final RolloutStore store;

	private final DeploymentVerifications verifications;

	private final TargetRepository targets;

	private final ConnectorInstances connectors;

	private final EventJournal journal;

	private final Patches patches;

	private final EngineTransactions tx;

	private final Clock clock;

	private final CallsInFlight calls;

	/** Waves whose targets' versions are being read on this node. */
	private final Set<Long> verifying = ConcurrentHashMap.newKeySet();

	WaveVerifier(RolloutStore store, DeploymentVerifications verifications, TargetRepository targets,
			ConnectorInstances connectors, EventJournal journal, Patches patches, EngineTransactions tx, Clock clock,
			CallsInFlight calls) {
		this.calls = calls;
		this.store = store;
		this.verifications = verifications;
		this.targets = targets;
		this.connectors = connectors;
		this.journal = journal;
		this.patches = patches;
		this.tx = tx;
		this.clock = clock;
	}

	/**
	 * Reads the versions of a finished wave's unconfirmed targets, once at a time per
	 * wave, then records them under the rollout's lock and lets the caller step on.
	 */
	void verify(RolloutRow rollout, WaveRow wave, List<DeploymentRow> unverified, Runnable thenStep) {
		if (!this.verifying.add(wave.id())) {
			return;
		}
		CallsInFlight.attempt(() -> read(rollout, unverified)).whenCompleteAsync((readings, error) -> {
			try {
				if (error == null) {
					this.calls.guarded(rollout.id(), () -> {
						record(rollout, wave, readings);
						thenStep.run();
					});
				}
			}
			catch (RuntimeException ex) {
				log.error("Verifying wave '{}' of rollout {} failed; it is tried again at the next step", wave.name(),
						rollout.id(), ex);
			}
			finally {
				this.verifying.remove(wave.id());
			}
		}, this.calls.work());
	}

	/**
	 * Asks each target's connector for its version; completes with what each answered.
	 */
	private CompletionStage<List<Reading>> read(RolloutRow rollout, List<DeploymentRow> unverified) {
		Patch patch = this.patches.get(rollout.patchId());
		Map<Long, Target> found = this.targets.findAll(unverified.stream().map(DeploymentRow::targetId).toList());
		List<CompletableFuture<Reading>> readings = new ArrayList<>();
		for (DeploymentRow deployment : unverified) {
			Target target = found.get(deployment.targetId());
			CompletionStage<Version> version;
			try {
				version = this.connectors.connector(target.connector()).installedVersion(target, patch);
			}
			catch (RuntimeException ex) {
				version = CompletableFuture.failedFuture(ex);
			}
			readings.add(version.toCompletableFuture()
				.handle((read, error) -> new Reading(deployment, target, read,
						error == null ? null : Outcome.rootMessage(error))));
		}
		return CompletableFuture.allOf(readings.toArray(CompletableFuture[]::new))
			.thenApply(done -> readings.stream().map(CompletableFuture::join).toList());
	}

	/** Records what the targets read and marks the wave verified. */
	private void record(RolloutRow rollout, WaveRow wave, List<Reading> readings) {
		Patch patch = this.patches.get(rollout.patchId());
		this.tx.run(rollout.id(), () -> {
			for (Reading reading : readings) {
				String name = reading.target().name();
				if (reading.error() != null) {
					this.journal.append(rollout.id(), EventJournal.ENGINE, "TARGET_NOT_VERIFIED", wave.position(), name,
							"Could not read the installed version: " + reading.error());
				}
				else if (!patch.isNeededAt(reading.version())) {
					this.verifications.verified(reading.deployment(), DeploymentState.SUCCEEDED,
							reading.version().toString());
					this.targets.recordInstalledVersion(reading.target().id(), reading.version());
					this.journal.append(rollout.id(), EventJournal.ENGINE, "TARGET_VERIFIED", wave.position(), name,
							"Runs the fixed version %s".formatted(reading.version()));
				}
				else {
					this.verifications.verified(reading.deployment(), DeploymentState.REBOOT_PENDING,
							reading.version().toString());
					this.journal.append(rollout.id(), EventJournal.ENGINE, "TARGET_NOT_FIXED_YET", wave.position(),
							name, "Still runs %s: exposed until it restarts into %s".formatted(reading.version(),
									patch.fixedVersion()));
				}
			}
			this.store.markVerified(wave.id(), this.clock.instant());
		});
	}

	/** What one target's connector answered: its version, or why it could not tell. */
	record Reading(DeploymentRow deployment, Target target, Version version, String error) {

	}

}
