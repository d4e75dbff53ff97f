package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.connector.InvalidConnectorConfigException;
import dev.patchwave.common.connector.ResultCause;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * What a connector call that failed with an exception means. Exceptions that only a bug
 * or a broken configuration throws are the connector's error, tried again a bounded
 * number of times; anything else is taken for an outage of the deployment system, which
 * the engine waits out.
 */
final class ConnectorErrors {

	private static final Set<Class<? extends Throwable>> PROGRAMMING_ERRORS = Set.of(NullPointerException.class,
			IllegalArgumentException.class, ClassCastException.class, IndexOutOfBoundsException.class,
			UnsupportedOperationException.class, ArithmeticException.class, NoSuchElementException.class,
			InvalidConnectorConfigException.class, LinkageError.class, AssertionError.class);

	private ConnectorErrors() {
	}

	static InstallResult resultOf(Throwable error) {
		String message = "Connector call failed: " + Outcome.rootMessage(error);
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			Throwable current = cause;
			if (PROGRAMMING_ERRORS.stream().anyMatch(type -> type.isInstance(current))) {
				return new InstallResult(ResultCause.CONNECTOR_ERROR, null, message, null);
			}
		}
		return InstallResult.infrastructureError(message);
	}

}
