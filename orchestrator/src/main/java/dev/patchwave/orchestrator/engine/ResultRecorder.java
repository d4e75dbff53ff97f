package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.patch.Version;
import dev.patchwave.orchestrator.event.EventJournal;
import dev.patchwave.orchestrator.rollout.DeploymentRow;
import dev.patchwave.orchestrator.rollout.DeploymentStore;
import dev.patchwave.orchestrator.rollout.DeploymentStore.Settlement;
import dev.patchwave.orchestrator.target.TargetRepository;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Records install results: a success or a failure settles its target; a busy target or a
 * connector that failed waits for a retry, which the caller schedules. A batch of results
 * is read, settled and journaled in a few JDBC round trips, not a few per result.
 */
@Component
class ResultRecorder {

	private static final Logger log = LoggerFactory.getLogger(ResultRecorder.class);

	private final DeploymentStore deployments;

	private final TargetRepository targets;

	private final EventJournal journal;

	private final EngineTransactions tx;

	private final Clock clock;

	private final EngineProperties properties;

	private final IntervalFunction backoff;

	private final ConnectorWaits waits;

	ResultRecorder(DeploymentStore deployments, TargetRepository targets, EventJournal journal, EngineTransactions tx,
			Clock clock, EngineProperties properties, ConnectorWaits waits) {
		this.deployments = deployments;
		this.targets = targets;
		this.journal = journal;
		this.tx = tx;
		this.clock = clock;
		this.properties = properties;
		this.waits = waits;
		this.backoff = IntervalFunction.ofExponentialRandomBackoff(properties.retryBackoff(), 2.0, 0.2,
				properties.maxRetryBackoff());
	}

	/**
	 * Records a batch of one rollout's results in one transaction; should that fail, each
	 * is recorded on its own, so one bad result does not cost the others theirs. Returns
	 * the retries to schedule.
	 */
	List<Retry> record(long rolloutId, List<Outcome> batch) {
		try {
			return this.tx.call(rolloutId, () -> recordAll(batch));
		}
		catch (LeaseLostException ex) {
			throw ex;
		}
		catch (RuntimeException batchFailed) {
			List<Retry> retries = new ArrayList<>();
			for (Outcome outcome : batch) {
				try {
					retries.addAll(this.tx.call(rolloutId, () -> recordAll(List.of(outcome))));
				}
				catch (LeaseLostException ex) {
					throw ex;
				}
				catch (RuntimeException ex) {
					log.error("Result of {} could not be recorded; its connector is asked again at the next reconcile",
							outcome.call().target().name(), ex);
				}
			}
			return retries;
		}
	}

	private List<Retry> recordAll(List<Outcome> batch) {
		Map<Long, DeploymentRow> rows = this.deployments
			.deployments(batch.stream().map(outcome -> outcome.call().deploymentId()).toList());
		Instant now = this.clock.instant();
		List<Retry> retries = new ArrayList<>();
		List<Settlement> settlements = new ArrayList<>();
		List<Outcome> settling = new ArrayList<>();
		for (Outcome outcome : batch) {
			Call call = outcome.call();
			DeploymentRow deployment = rows.get(call.deploymentId());
			if (deployment == null || deployment.state() != DeploymentState.DISPATCHED
					|| !call.key().equals(deployment.idempotencyKey())) {
				log.debug("Stale result for {} under key {} ignored", call.target().name(), call.key());
				continue;
			}
			Settlement settlement = settlement(outcome, deployment);
			if (settlement == null) {
				retries.add(awaitRetry(outcome, deployment, now));
			}
			else {
				settlements.add(settlement);
				settling.add(outcome);
			}
		}
		boolean[] settled = this.deployments.settle(settlements, now);
		Map<Long, Version> versions = new HashMap<>();
		for (int i = 0; i < settled.length; i++) {
			if (settled[i]) {
				journal(settling.get(i), settlements.get(i), versions);
			}
		}
		this.targets.recordInstalledVersions(versions);
		batch.stream()
			.filter(outcome -> !outcome.result().cause().isInfrastructureError())
			.forEach(outcome -> this.waits.answered(outcome.call().rolloutId(), outcome.call().target().connector()));
		return retries;
	}

	/** How the result settles its target, or null when the target waits for a retry. */
	private Settlement settlement(Outcome outcome, DeploymentRow deployment) {
		Call call = outcome.call();
		InstallResult result = outcome.result();
		ResultCause cause = result.cause();
		String version = result.installedVersion() == null ? null : result.installedVersion().toString();
		if (cause == ResultCause.SUCCEEDED_REBOOT_PENDING) {
			// installed, but the host runs the old code until it restarts: still exposed
			return new Settlement(call.deploymentId(), deployment.waveId(), call.key(), DeploymentState.REBOOT_PENDING,
					cause, result.exitCode(), result.message(), version);
		}
		if (cause.isSuccess()) {
			return new Settlement(call.deploymentId(), deployment.waveId(), call.key(), DeploymentState.SUCCEEDED,
					cause, result.exitCode(), result.message(), version);
		}
		boolean givesUp = cause.isTargetFailure()
				|| (cause.isTransientTargetError() && deployment.attempts() >= this.properties.maxAttempts())
				|| (cause.isConnectorError() && this.deployments.countConnectorError(call.deploymentId(),
						call.key()) >= this.properties.maxAttempts());
		if (!givesUp) {
			return null;
		}
		String message = cause.isTargetFailure() ? result.message()
				: "%s (gave up after %d %s)".formatted(result.message(),
						cause.isTransientTargetError() ? deployment.attempts() : this.properties.maxAttempts(),
						cause.isTransientTargetError() ? "attempts" : "connector errors");
		return new Settlement(call.deploymentId(), deployment.waveId(), call.key(), DeploymentState.FAILED, cause,
				result.exitCode(), message, version);
	}

	private void journal(Outcome outcome, Settlement settlement, Map<Long, Version> versions) {
		Call call = outcome.call();
		InstallResult result = outcome.result();
		switch (settlement.to()) {
			case REBOOT_PENDING ->
				this.journal.append(call.rolloutId(), EventJournal.ENGINE, "TARGET_REBOOT_PENDING", call.wave(),
						call.target().name(), Outcome.describe(result) + "; exposed until a restart and a verify");
			case SUCCEEDED -> {
				if (result.installedVersion() != null) {
					versions.put(call.target().id(), result.installedVersion());
				}
				this.journal.append(call.rolloutId(), EventJournal.ENGINE, "TARGET_SUCCEEDED", call.wave(),
						call.target().name(), Outcome.describe(result));
			}
			default -> {
				this.journal.append(call.rolloutId(), EventJournal.ENGINE, "TARGET_FAILED", call.wave(),
						call.target().name(),
						Outcome.describe(result.cause(), result.exitCode(), settlement.message()));
				log.info("Target {} failed in rollout {}: {}", call.target().name(), call.rolloutId(),
						settlement.message());
			}
		}
	}

	private Retry awaitRetry(Outcome outcome, DeploymentRow deployment, Instant now) {
		Call call = outcome.call();
		InstallResult result = outcome.result();
		ResultCause cause = result.cause();
		Duration wait = cause.isTransientTargetError() ? Duration.ofMillis(this.backoff.apply(deployment.attempts()))
				: this.properties.retryBackoff();
		Instant retryAt = now.plus(wait);
		this.deployments.awaitRetry(call.deploymentId(), call.key(), cause, result.exitCode(), result.message(),
				retryAt);
		// an outage answers every retry the same way: journal the first, not each one
		if (cause != deployment.cause()) {
			this.journal.append(call.rolloutId(), EventJournal.ENGINE,
					cause.isInfrastructureError() ? "TARGET_WAITING_FOR_CONNECTOR" : "TARGET_RETRY_SCHEDULED",
					call.wave(), call.target().name(),
					"%s; trying again from %s".formatted(Outcome.describe(result), retryAt));
		}
		return new Retry(call.rolloutId(), call.deploymentId(), wait);
	}

	/** A target to try again after a wait. */
	record Retry(long rolloutId, long deploymentId, Duration after) {

	}

}
