package dev.patchwave.connectors.ssh;

import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.connector.ResultCause;

/**
 * A step that could not be done on a target, with the cause it ends the install with. Not
 * an {@link dev.patchwave.connectors.resilience.InfrastructureException}: one host
 * failing says nothing about the connector, so the guard's breaker does not count it.
 */
class SshFailure extends RuntimeException {

	private final ResultCause cause;

	SshFailure(ResultCause cause, String message) {
		super(message);
		this.cause = cause;
	}

	ResultCause resultCause() {
		return this.cause;
	}

	InstallResult result() {
		return new InstallResult(this.cause, null, getMessage(), null);
	}

}
