package dev.patchwave.common.connector;

import java.time.Instant;

/**
 * Whether a deployment system answers. {@code DOWN} means calls are not made at all (its
 * circuit breaker is open) until {@code retryAt}; {@code DEGRADED} means recent calls
 * failed but calls still go out.
 */
public record ConnectorHealth(Status status, String detail, Instant since, Instant retryAt) {

	public static ConnectorHealth up() {
		return new ConnectorHealth(Status.UP, "answering", null, null);
	}

	public boolean isDown() {
		return this.status == Status.DOWN;
	}

	public enum Status {

		UP, DEGRADED, DOWN

	}

}
