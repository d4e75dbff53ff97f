package dev.patchwave.common.connector;

/**
 * Why an install ended as it did; decides whether it succeeded, is retried, or counts as
 * a failure.
 */
public enum ResultCause {

	SUCCEEDED(Kind.SUCCESS),

	/** Installed; the host must reboot to finish (msiexec 3010, 1641). */
	SUCCEEDED_REBOOT_PENDING(Kind.SUCCESS),

	/**
	 * The target could not take the install now but may later (msiexec 1618: another
	 * install running).
	 */
	TRANSIENT_TARGET_ERROR(Kind.RETRY),

	/** The install failed on the target (msiexec 1603, a version check mismatch). */
	FATAL_TARGET_ERROR(Kind.FAILURE),

	/** The target could not be reached, after the connector's own retries. */
	UNREACHABLE_TARGET(Kind.FAILURE),

	/**
	 * The deployment system failed, not the target: never counts against a wave's
	 * threshold.
	 */
	INFRASTRUCTURE_ERROR(Kind.WAIT),
	/**
	 * The connector itself broke (a programming or configuration error, not an outage):
	 * tried again a few times, then the target fails with the error in its message.
	 */
	CONNECTOR_ERROR(Kind.ERROR);

	private final Kind kind;

	ResultCause(Kind kind) {
		this.kind = kind;
	}

	public boolean isSuccess() {
		return this.kind == Kind.SUCCESS;
	}

	public boolean isTargetFailure() {
		return this.kind == Kind.FAILURE;
	}

	/**
	 * Whether the same target should be tried again after a while, counting as another
	 * attempt.
	 */
	public boolean isTransientTargetError() {
		return this.kind == Kind.RETRY;
	}

	/**
	 * Whether the connector, not the target, failed, so the install waits and tries
	 * again.
	 */
	public boolean isInfrastructureError() {
		return this.kind == Kind.WAIT;
	}

	/** Whether the connector broke, as opposed to being unavailable. */
	public boolean isConnectorError() {
		return this.kind == Kind.ERROR;
	}

	private enum Kind {

		SUCCESS, RETRY, FAILURE, WAIT, ERROR

	}

}
