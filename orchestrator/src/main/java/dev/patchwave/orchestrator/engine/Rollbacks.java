package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.target.Target;
import dev.patchwave.common.wave.WaveState;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.event.EventJournal;
import dev.patchwave.orchestrator.rollout.DeploymentRow;
import dev.patchwave.orchestrator.rollout.DeploymentRollbacks;
import dev.patchwave.orchestrator.rollout.DeploymentStore;
import dev.patchwave.orchestrator.rollout.RolloutRow;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import dev.patchwave.orchestrator.rollout.WaveRow;
import dev.patchwave.orchestrator.target.TargetRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Takes the patch off every target it was installed on, newest wave first, up to the
 * largest wave's max concurrency at a time; when none is left and nothing is in flight,
 * the rollout is rolled back.
 */
@Component
class Rollbacks {

	private static final Logger log = LoggerFactory.getLogger(Rollbacks.class);

	private final RolloutStore store;

	private final DeploymentStore deployments;

	private final DeploymentRollbacks rollbacks;

	private final TargetRepository targets;

	private final EventJournal journal;

	private final Patches patches;

	private final EngineTransactions tx;

	private final Clock clock;

	private final EngineProperties properties;

	private final ConnectorInstances connectors;

	private final CallsInFlight calls;

	Rollbacks(RolloutStore store, DeploymentStore deployments, DeploymentRollbacks rollbacks, TargetRepository targets,
			EventJournal journal, Patches patches, EngineTransactions tx, Clock clock, EngineProperties properties,
			ConnectorInstances connectors, CallsInFlight calls) {
		this.connectors = connectors;
		this.calls = calls;
		this.properties = properties;
		this.store = store;
		this.deployments = deployments;
		this.rollbacks = rollbacks;
		this.targets = targets;
		this.journal = journal;
		this.patches = patches;
		this.tx = tx;
		this.clock = clock;
	}

	/**
	 * Claims installed targets for free places, or finishes the rollback; the calls to
	 * send.
	 */
	List<Call> step(RolloutRow rollout) {
		long rolloutId = rollout.id();
		List<WaveRow> waves = this.store.waves(rolloutId);
		int limit = waves.stream().mapToInt(WaveRow::maxConcurrency).max().orElse(1);
		int busy = (int) (this.deployments.countDeployments(rolloutId, DeploymentState.ROLLING_BACK)
				+ this.deployments.countDeployments(rolloutId, DeploymentState.DISPATCHED));
		Integer scope = rollout.rollbackWave();
		List<DeploymentRow> installed = this.rollbacks.succeededNewestWaveFirst(rolloutId, Math.max(0, limit - busy),
				scope);
		Instant now = this.clock.instant();
		if (installed.isEmpty() && busy == 0) {
			if (scope == null) {
				finish(rolloutId, waves, now);
			}
			else {
				finishWave(rolloutId, waves.get(scope), now);
			}
			return List.of();
		}
		Patch patch = this.patches.get(rollout.patchId());
		List<Call> calls = new ArrayList<>();
		this.tx.run(rolloutId, () -> {
			for (DeploymentRow deployment : installed) {
				String key = Call.rollbackKey(deployment.id());
				if (this.rollbacks.markRollingBack(deployment, key, now)) {
					Target target = this.targets.find(deployment.targetId()).orElseThrow();
					this.journal.append(rolloutId, EventJournal.ENGINE, "TARGET_ROLLING_BACK", deployment.wave(),
							target.name(), "Rolling back through connector '%s'".formatted(target.connector()));
					calls.add(new Call(rolloutId, deployment.id(), deployment.wave(), key, target, patch));
				}
			}
		});
		return calls;
	}

	private void finish(long rolloutId, List<WaveRow> waves, Instant now) {
		this.tx.run(rolloutId, () -> {
			for (WaveRow wave : waves) {
				if (WaveState.transitions().isAllowed(wave.state(), WaveState.ROLLED_BACK)) {
					this.store.moveWave(wave, WaveState.ROLLED_BACK, now);
				}
			}
			this.store.moveRollout(rolloutId, RolloutState.ROLLING_BACK, RolloutState.ROLLED_BACK, now);
			this.journal.append(rolloutId, EventJournal.ENGINE, "ROLLED_BACK",
					"Rolled back: %d targets, %d failed to roll back".formatted(
							this.deployments.countDeployments(rolloutId, DeploymentState.ROLLED_BACK),
							this.deployments.countDeployments(rolloutId, DeploymentState.ROLLBACK_FAILED)));
		});
		log.info("Rollout {} rolled back", rolloutId);
	}

	/**
	 * A rollback of the breaching wave alone ends with the rollout halted for a person.
	 */
	private void finishWave(long rolloutId, WaveRow wave, Instant now) {
		this.tx.run(rolloutId, () -> {
			this.store.moveWave(wave, WaveState.ROLLED_BACK, now);
			this.store.moveRollout(rolloutId, RolloutState.ROLLING_BACK, RolloutState.HALTED, now);
			this.store.limitRollback(rolloutId, null);
			this.journal.append(rolloutId, EventJournal.ENGINE, "WAVE_ROLLED_BACK", wave.position(), null,
					"Wave '%s' rolled back; the rollout stays halted for a person to decide".formatted(wave.name()));
		});
		log.info("Rollout {} rolled back wave {}", rolloutId, wave.name());
	}

	/**
	 * Records a rollback's result. Returns false when the system could not take the call
	 * now, so the caller sends it again later.
	 */
	private boolean record(Call call, InstallResult answer) {
		InstallResult result = answer;
		if (answer.cause().isInfrastructureError() || answer.cause().isConnectorError()) {
			int attempts = this.tx.call(call.rolloutId(),
					() -> this.rollbacks.countRollbackAttempt(call.deploymentId(), call.key()));
			if (attempts < this.properties.maxRollbackAttempts()) {
				return false;
			}
			result = new InstallResult(answer.cause(), answer.exitCode(),
					"%s (gave up after %d attempts)".formatted(answer.message(), attempts), null);
		}
		InstallResult settled = result;
		boolean rolledBack = result.cause().isSuccess();
		DeploymentState to = rolledBack ? DeploymentState.ROLLED_BACK : DeploymentState.ROLLBACK_FAILED;
		String version = result.installedVersion() == null ? null : result.installedVersion().toString();
		this.tx.run(call.rolloutId(), () -> {
			if (this.rollbacks.settleRollback(call.deploymentId(), call.key(), to, settled.cause(), settled.exitCode(),
					settled.message(), version, this.clock.instant())) {
				if (rolledBack && settled.installedVersion() != null) {
					this.targets.recordInstalledVersion(call.target().id(), settled.installedVersion());
				}
				this.journal.append(call.rolloutId(), EventJournal.ENGINE,
						rolledBack ? "TARGET_ROLLED_BACK" : "TARGET_ROLLBACK_FAILED", call.wave(), call.target().name(),
						Outcome.describe(settled));
			}
		});
		return true;
	}

	/**
	 * Sends a rollback. Its target counts as in flight until the rollback is settled,
	 * also while a resend waits, so a reconcile never sends it a second time; once
	 * settled, the caller steps on.
	 */
	void send(Call call, Runnable thenStep) {
		CompletionStage<InstallResult> outcome = CallsInFlight
			.attempt(() -> this.connectors.connector(call.target().connector()).rollback(call.request()));
		this.calls.add(call);
		outcome.whenCompleteAsync((result, error) -> {
			InstallResult settled = (error != null) ? ConnectorErrors.resultOf(error) : result;
			this.calls.unfailing(call, () -> this.calls.guarded(call.rolloutId(), () -> {
				if (record(call, settled)) {
					this.calls.remove(call.deploymentId());
					thenStep.run();
				}
				else {
					this.calls.schedule(() -> resend(call, thenStep), this.properties.retryBackoff());
				}
			}));
		}, this.calls.work());
	}

	private void resend(Call call, Runnable thenStep) {
		this.calls.guarded(call.rolloutId(), () -> {
			if (stillRollingBack(call)) {
				send(call, thenStep);
			}
			else {
				this.calls.remove(call.deploymentId());
			}
		});
	}

	/** Whether a rollback call is still the current one, so resending it is right. */
	private boolean stillRollingBack(Call call) {
		DeploymentRow row = this.deployments.deployment(call.deploymentId()).orElseThrow();
		return row.state() == DeploymentState.ROLLING_BACK && call.key().equals(row.idempotencyKey())
				&& this.store.rollout(call.rolloutId()).orElseThrow().state() == RolloutState.ROLLING_BACK;
	}

}
