package dev.patchwave.common.connector;

import java.time.Instant;

/**
 * Whether a deployment system answers. {@code DOWN} means calls are not made at all (its
 * circuit breaker is open) until {@code retryAt}; {@code DEGRADED} means recent calls
 * failed but calls still go out. {@code misconfigured} (always with {@code DOWN}) means
 * the system answers but refuses Patchwave's requests as wrongly made (HTTP 400, 401, 403
 * or 404, credentials refused, a template missing): waiting will not help, someone has to
 * fix the connector's settings or the system.
 */
public record ConnectorHealth(Status status, String detail, Instant since, Instant retryAt, boolean misconfigured) {

	/** Health that is not a misconfiguration: what connectors report of themselves. */
	public ConnectorHealth(Status status, String detail, Instant since, Instant retryAt) {
		this(status, detail, since, retryAt, false);
	}

	public static ConnectorHealth up() {
		return new ConnectorHealth(Status.UP, "answering", null, null);
	}

	/** The system refuses requests as misconfigured, since {@code since}. */
	public static ConnectorHealth misconfigured(String detail, Instant since) {
		return new ConnectorHealth(Status.DOWN, detail, since, null, true);
	}

	public boolean isDown() {
		return this.status == Status.DOWN;
	}

	public enum Status {

		UP, DEGRADED, DOWN

	}

}
