package dev.patchwave.orchestrator.engine;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the engine treats transient results.
 *
 * @param maxAttempts attempts per target for transient target errors (msiexec 1618)
 * before it counts as failed
 * @param retryBackoff wait before the first retry; doubles per attempt, with jitter
 * @param maxRetryBackoff the longest wait between two attempts
 * @param reconcileInterval how often every running rollout is checked for work that fell
 * through
 * @param orphanAfter how long a dispatched target may go without a result on this node
 * before it is resent under its same idempotency key
 * @param resultTimeout the longest the engine waits for a connector's answer; past it the
 * call counts as the connector's failure and is asked again under the same key, so a call
 * that never answers frees its slot
 */
@ConfigurationProperties("patchwave.engine")
public record EngineProperties(@DefaultValue("3") int maxAttempts, @DefaultValue("PT5S") Duration retryBackoff,
		@DefaultValue("PT2M") Duration maxRetryBackoff, @DefaultValue("PT15S") Duration reconcileInterval,
		@DefaultValue("PT10M") Duration orphanAfter, @DefaultValue("PT12H") Duration resultTimeout) {

}
