package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.connector.ResultCause;

/** A call's result, waiting to be recorded. */
record Outcome(Call call, InstallResult result) {

	static String describe(InstallResult result) {
		return describe(result.cause(), result.exitCode(), result.message());
	}

	static String describe(ResultCause cause, Integer exitCode, String message) {
		return exitCode == null ? "%s: %s".formatted(cause, message)
				: "%s, exit code %d: %s".formatted(cause, exitCode, message);
	}

	static String rootMessage(Throwable error) {
		Throwable root = error;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
	}

}
