package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.orchestrator.event.EventJournal;
import dev.patchwave.orchestrator.rollout.DeploymentRow;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import dev.patchwave.orchestrator.target.TargetRepository;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Records install results: a success or a failure settles its target; a busy target or a
 * connector that failed waits for a retry, which the caller schedules.
 */
@Component
class ResultRecorder {

	private static final Logger log = LoggerFactory.getLogger(ResultRecorder.class);

	private final RolloutStore store;

	private final TargetRepository targets;

	private final EventJournal journal;

	private final EngineTransactions tx;

	private final Clock clock;

	private final EngineProperties properties;

	private final IntervalFunction backoff;

	private final ConnectorWaits waits;

	ResultRecorder(RolloutStore store, TargetRepository targets, EventJournal journal, EngineTransactions tx,
			Clock clock, EngineProperties properties, ConnectorWaits waits) {
		this.waits = waits;
		this.store = store;
		this.targets = targets;
		this.journal = journal;
		this.tx = tx;
		this.clock = clock;
		this.properties = properties;
		this.backoff = IntervalFunction.ofExponentialRandomBackoff(properties.retryBackoff(), 2.0, 0.2,
				properties.maxRetryBackoff());
	}

	/**
	 * Records a batch of one rollout's results in one transaction; should one of them
	 * fail, each is recorded on its own, so one bad result does not cost the others
	 * theirs. Returns the retries to schedule.
	 */
	List<Retry> record(long rolloutId, List<Outcome> batch) {
		try {
			return this.tx.call(rolloutId, () -> {
				List<Retry> retries = new ArrayList<>();
				batch.forEach(outcome -> record(outcome, retries));
				return retries;
			});
		}
		catch (LeaseLostException ex) {
			throw ex;
		}
		catch (RuntimeException batchFailed) {
			List<Retry> retries = new ArrayList<>();
			for (Outcome outcome : batch) {
				try {
					this.tx.run(rolloutId, () -> record(outcome, retries));
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

	private void record(Outcome outcome, List<Retry> retries) {
		Call call = outcome.call();
		InstallResult result = outcome.result();
		DeploymentRow deployment = this.store.deployment(call.deploymentId()).orElseThrow();
		if (deployment.state() != DeploymentState.DISPATCHED || !call.key().equals(deployment.idempotencyKey())) {
			log.debug("Stale result for {} under key {} ignored", call.target().name(), call.key());
			return;
		}
		Instant now = this.clock.instant();
		ResultCause cause = result.cause();
		String version = result.installedVersion() == null ? null : result.installedVersion().toString();
		if (cause == ResultCause.SUCCEEDED_REBOOT_PENDING) {
			// installed, but the host runs the old code until it restarts: still exposed
			this.store.settle(call.deploymentId(), call.key(), DeploymentState.REBOOT_PENDING, cause, result.exitCode(),
					result.message(), version, now);
			this.journal.append(call.rolloutId(), EventJournal.ENGINE, "TARGET_REBOOT_PENDING", call.wave(),
					call.target().name(), Outcome.describe(result) + "; exposed until a restart and a verify");
		}
		else if (cause.isSuccess()) {
			this.store.settle(call.deploymentId(), call.key(), DeploymentState.SUCCEEDED, cause, result.exitCode(),
					result.message(), version, now);
			if (result.installedVersion() != null) {
				this.targets.recordInstalledVersion(call.target().id(), result.installedVersion());
			}
			this.journal.append(call.rolloutId(), EventJournal.ENGINE, "TARGET_SUCCEEDED", call.wave(),
					call.target().name(), Outcome.describe(result));
		}
		else if (cause.isTargetFailure()
				|| (cause.isTransientTargetError() && deployment.attempts() >= this.properties.maxAttempts())
				|| (cause.isConnectorError() && this.store.countConnectorError(call.deploymentId(),
						call.key()) >= this.properties.maxAttempts())) {
			String message = cause.isTargetFailure() ? result.message()
					: "%s (gave up after %d %s)".formatted(result.message(),
							cause.isTransientTargetError() ? deployment.attempts() : this.properties.maxAttempts(),
							cause.isTransientTargetError() ? "attempts" : "connector errors");
			this.store.settle(call.deploymentId(), call.key(), DeploymentState.FAILED, cause, result.exitCode(),
					message, version, now);
			this.journal.append(call.rolloutId(), EventJournal.ENGINE, "TARGET_FAILED", call.wave(),
					call.target().name(), Outcome.describe(result.cause(), result.exitCode(), message));
			log.info("Target {} failed in rollout {}: {}", call.target().name(), call.rolloutId(), message);
		}
		else {
			Duration wait = cause.isTransientTargetError()
					? Duration.ofMillis(this.backoff.apply(deployment.attempts())) : this.properties.retryBackoff();
			Instant retryAt = now.plus(wait);
			// an outage answers every retry the same way: journal the first, not each one
			boolean firstOfItsKind = cause != deployment.cause();
			this.store.awaitRetry(call.deploymentId(), call.key(), cause, result.exitCode(), result.message(), retryAt);
			if (firstOfItsKind) {
				this.journal.append(call.rolloutId(), EventJournal.ENGINE,
						cause.isInfrastructureError() ? "TARGET_WAITING_FOR_CONNECTOR" : "TARGET_RETRY_SCHEDULED",
						call.wave(), call.target().name(),
						"%s; trying again from %s".formatted(Outcome.describe(result), retryAt));
			}
			retries.add(new Retry(call.rolloutId(), call.deploymentId(), wait));
		}
		if (!cause.isInfrastructureError()) {
			this.waits.answered(call.rolloutId(), call.target().connector());
		}
	}

	/** A target to try again after a wait. */
	record Retry(long rolloutId, long deploymentId, Duration after) {

	}

}
