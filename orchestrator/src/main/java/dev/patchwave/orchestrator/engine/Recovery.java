package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.connector.CallStatus;
import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.orchestrator.rollout.DeploymentRow;
import dev.patchwave.orchestrator.rollout.DeploymentStore;
import dev.patchwave.orchestrator.rollout.RolloutRow;
import dev.patchwave.orchestrator.target.TargetRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import org.springframework.stereotype.Component;

/**
 * Finds the calls of a rollout whose results this node is not waiting for, and decides,
 * from what their connector says, what becomes of them: the connector is asked before
 * anything is resent.
 */
@Component
class Recovery {

	private final DeploymentStore deployments;

	private final TargetRepository targets;

	private final Patches patches;

	private final EngineTransactions tx;

	private final Clock clock;

	Recovery(DeploymentStore deployments, TargetRepository targets, Patches patches, EngineTransactions tx,
			Clock clock) {
		this.deployments = deployments;
		this.targets = targets;
		this.patches = patches;
		this.tx = tx;
		this.clock = clock;
	}

	/**
	 * The rollout's calls older than {@code minAge} that nobody on this node waits for:
	 * retries to schedule, installs to ask about and rollbacks to resend.
	 */
	Orphans orphans(RolloutRow rollout, Duration minAge, LongPredicate inFlight) {
		Instant now = this.clock.instant();
		Instant cutoff = now.minus(minAge);
		Orphans orphans = new Orphans(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
		for (DeploymentRow deployment : this.deployments.dispatched(rollout.id())) {
			if (inFlight.test(deployment.id())) {
				continue;
			}
			if (deployment.retryAt() != null) {
				if (minAge.isZero() || deployment.retryAt().isBefore(cutoff)) {
					Duration delay = Duration.between(now, deployment.retryAt());
					orphans.retries()
						.add(new ResultRecorder.Retry(rollout.id(), deployment.id(),
								delay.isNegative() ? Duration.ZERO : delay));
				}
			}
			else if (!deployment.dispatchedAt().isAfter(cutoff)) {
				orphans.installs().add(call(rollout, deployment));
			}
		}
		for (DeploymentRow rollingBack : this.deployments.inState(rollout.id(), DeploymentState.ROLLING_BACK)) {
			if (!inFlight.test(rollingBack.id()) && !rollingBack.dispatchedAt().isAfter(cutoff)) {
				orphans.rollbacks().add(call(rollout, rollingBack));
			}
		}
		return orphans;
	}

	/**
	 * What to do with an orphaned install, now that its connector said what it knows: a
	 * finished call is recorded, one under way is joined by sending it again under its
	 * key, and one the connector never saw is sent only while the rollout runs; otherwise
	 * its target goes back among the pending, never having been touched.
	 */
	Resolution resolve(Call call, CallStatus status) {
		DeploymentRow current = this.deployments.deployment(call.deploymentId()).orElseThrow();
		if (current.state() != DeploymentState.DISPATCHED || !call.key().equals(current.idempotencyKey())) {
			return Resolution.NOTHING;
		}
		if (status instanceof CallStatus.Finished) {
			return Resolution.RECORD;
		}
		if (status == CallStatus.running()) {
			return Resolution.SEND;
		}
		return this.tx.decide(call.rolloutId(), state -> {
			if (state == RolloutState.RUNNING) {
				return Resolution.SEND;
			}
			this.deployments.release(call.deploymentId(), call.key(),
					"Never reached the target; back among the pending while the rollout is " + state);
			return Resolution.STEP;
		});
	}

	private Call call(RolloutRow rollout, DeploymentRow deployment) {
		return new Call(rollout.id(), deployment.id(), deployment.wave(), deployment.idempotencyKey(),
				this.targets.find(deployment.targetId()).orElseThrow(), this.patches.get(rollout.patchId()));
	}

	/** A rollout's calls without a waiter on this node. */
	record Orphans(List<ResultRecorder.Retry> retries, List<Call> installs, List<Call> rollbacks) {

	}

	/**
	 * Leave it; record the connector's outcome; send it under its key; or take the next
	 * step, the call being settled.
	 */
	enum Resolution {

		NOTHING, RECORD, SEND, STEP

	}

}
