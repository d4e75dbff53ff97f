package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.connector.ConnectorHealth;
import java.time.Instant;

/**
 * A connector a rollout is waiting for, and why: its targets are held back (pending) or
 * wait to be resent (waiting) until the deployment system answers again. None of them
 * counts as a failure.
 */
public record ConnectorWait(String connector, ConnectorHealth.Status status, String detail, Instant since,
		Instant retryAt, int waiting, int pending) {

}
