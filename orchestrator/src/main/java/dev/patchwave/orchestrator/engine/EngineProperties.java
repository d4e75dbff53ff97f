package dev.patchwave.orchestrator.engine;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the engine retries, reconciles and shares rollouts between nodes.
 *
 * @param maxAttempts attempts per target for transient target errors (msiexec 1618), and
 * connector errors per attempt, before the target counts as failed
 * @param retryBackoff wait before the first retry; doubles per attempt, with jitter
 * @param maxRetryBackoff the longest wait between two attempts
 * @param reconcileInterval how often each node checks the rollouts it owns for work that
 * fell through
 * @param orphanAfter how long a dispatched target may go without anyone on its owning
 * node waiting for its result before its connector is asked what became of it
 * @param resultTimeout the longest the engine waits for a connector's answer; past it the
 * call counts as the connector's failure and is asked again under the same key, so a call
 * that never answers frees its slot
 * @param nodeId this node's name in rollout leases; unset, a name unique to this run. A
 * stable name lets a restarted node take its rollouts back at once instead of after their
 * leases expire; two live nodes must never share one
 * @param leaseDuration how long a rollout's lease lasts without renewal; a node that
 * stops heartbeating loses its rollouts to another node after at most this plus one
 * heartbeat
 * @param heartbeatInterval how often a node renews its leases, takes over expired ones
 * and steps the rollouts it owns
 * @param maxRollbackAttempts sends of one rollback before it counts as failed to roll
 * back
 */
@ConfigurationProperties("patchwave.engine")
public record EngineProperties(@DefaultValue("3") int maxAttempts, @DefaultValue("PT5S") Duration retryBackoff,
		@DefaultValue("PT2M") Duration maxRetryBackoff, @DefaultValue("PT15S") Duration reconcileInterval,
		@DefaultValue("PT10M") Duration orphanAfter, @DefaultValue("PT12H") Duration resultTimeout, String nodeId,
		@DefaultValue("PT30S") Duration leaseDuration, @DefaultValue("PT5S") Duration heartbeatInterval,
		@DefaultValue("5") int maxRollbackAttempts, @DefaultValue("PT3M") Duration misconfiguredHaltAfter) {

	public EngineProperties {
		if (heartbeatInterval.compareTo(leaseDuration) >= 0) {
			throw new IllegalArgumentException(
					"patchwave.engine.heartbeat-interval (%s) must be shorter than lease-duration (%s)"
						.formatted(heartbeatInterval, leaseDuration));
		}
	}

}
