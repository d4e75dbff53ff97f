package dev.patchwave.connectors.ssh;

import dev.patchwave.common.connector.InstallRequest;
import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.patch.Version;
import java.time.Duration;

/**
 * Turns what the exactly-once wrapper reported from a target into the result the
 * connector answers with: the step's exit code read through the patch's steps, the
 * version the verify command printed, and in words how the answer came about. Every
 * output kept in a result is redacted first, since results are stored and shown.
 */
final class StepResults {

	private final Redaction redaction;

	/** Named in the message of a step that gave no result in time. */
	private final Duration commandTimeout;

	StepResults(Redaction redaction, Duration commandTimeout) {
		this.redaction = redaction;
		this.commandTimeout = commandTimeout;
	}

	/**
	 * What the target's marker says of an install: the outcome of a finished one,
	 * verified, or why there is none.
	 */
	InstallResult install(OnceOutcome outcome, PatchSteps steps, InstallRequest request) {
		if (outcome.state() != OnceOutcome.State.FINISHED) {
			return unfinished(outcome, "install", request.idempotencyKey());
		}
		int exitCode = outcome.exitCode();
		ResultCause cause = steps.classify(exitCode);
		String output = this.redaction.apply(outcome.stepOutput());
		String described = steps.describe(exitCode) + note(outcome);
		if (!cause.isSuccess() || steps.verify() == null) {
			return new InstallResult(cause, exitCode, withOutput(described, output), null);
		}
		Version version;
		try {
			version = verified(outcome);
		}
		catch (SshFailure ex) {
			return new InstallResult(ex.resultCause(), exitCode,
					withOutput(described + ", but " + ex.getMessage(), output), null);
		}
		Version fixed = request.patch().fixedVersion();
		if (!version.isAtLeast(fixed)) {
			return new InstallResult(ResultCause.FATAL_TARGET_ERROR, exitCode,
					withOutput("version check mismatch: reports %s, expected at least %s".formatted(version, fixed),
							output),
					version);
		}
		return new InstallResult(cause, exitCode, withOutput(described + "; reports version " + version, output),
				version);
	}

	/**
	 * What the target's marker says of a rollback. Unlike an install's, the version it
	 * verifies is reported, not held against the patch's fixed version: after a rollback
	 * the host runs whatever it ran before.
	 */
	InstallResult rollback(OnceOutcome outcome, PatchSteps steps, String idempotencyKey) {
		if (outcome.state() != OnceOutcome.State.FINISHED) {
			return unfinished(outcome, "rollback", idempotencyKey);
		}
		int exitCode = outcome.exitCode();
		ResultCause cause = steps.classify(exitCode);
		String output = this.redaction.apply(outcome.stepOutput());
		if (!cause.isSuccess() || steps.verify() == null) {
			String done = cause.isSuccess() ? "patch removed (exit code %d)".formatted(exitCode)
					: "rollback failed: " + steps.describe(exitCode);
			return new InstallResult(cause, exitCode, withOutput(done + note(outcome), output), null);
		}
		try {
			Version version = verified(outcome);
			return new InstallResult(cause, exitCode,
					withOutput("patch removed; reports version " + version + note(outcome), output), version);
		}
		catch (SshFailure ex) {
			return new InstallResult(ex.resultCause(), exitCode,
					withOutput("patch removed, but " + ex.getMessage() + note(outcome), output), null);
		}
	}

	/**
	 * The version a verify command printed on its last line.
	 * @throws SshFailure when that line is no version
	 */
	Version version(String printed) {
		try {
			return Version.parse(printed);
		}
		catch (IllegalArgumentException ex) {
			String shown = (printed.length() > 80) ? printed.substring(0, 80) + "..." : printed;
			throw new SshFailure(ResultCause.FATAL_TARGET_ERROR,
					"the verify command printed '%s', not a version like 14.0.7190"
						.formatted(this.redaction.apply(shown)));
		}
	}

	private InstallResult unfinished(OnceOutcome outcome, String step, String key) {
		String message = switch (outcome.state()) {
			case RUNNING -> ("no result within %s: the %s under key %s still runs on the target; it was not "
					+ "stopped, and the target keeps its outcome for status and resends")
				.formatted(this.commandTimeout, step, key);
			case INTERRUPTED -> ("the %s under key %s was interrupted: it started on the target, but its process "
					+ "is gone without an exit code (did the host restart?); it is not run again by itself, check "
					+ "the target and retry under a new key")
				.formatted(step, key);
			default -> ("the target kept no record of the %s under key %s, so it did not start: the marker "
					+ "directory ~/.patchwave could not be written")
				.formatted(step, key);
		};
		return new InstallResult(ResultCause.FATAL_TARGET_ERROR, null, message, null);
	}

	/** How this answer came about, when it was not by running the step now. */
	private static String note(OnceOutcome outcome) {
		return switch (outcome.how()) {
			case BEFORE -> "; ran before under this key, exit code " + outcome.exitCode();
			case JOINED -> "; joined the run already under way under this key";
			case RAN, READ -> "";
		};
	}

	private static String withOutput(String message, String output) {
		return output.isBlank() ? message : message + "\noutput:\n" + output;
	}

	/** The version the verify command printed on its last line, after the step. */
	private Version verified(OnceOutcome outcome) {
		Integer verifyExit = outcome.verifyExitCode();
		if (verifyExit == null) {
			throw new SshFailure(ResultCause.FATAL_TARGET_ERROR, "the verify command did not run");
		}
		if (verifyExit != 0) {
			throw new SshFailure(ResultCause.FATAL_TARGET_ERROR,
					withOutput("the verify command failed with exit code " + verifyExit,
							this.redaction.apply(outcome.verifyOutput())));
		}
		return version(outcome.verifiedVersionText());
	}

}
