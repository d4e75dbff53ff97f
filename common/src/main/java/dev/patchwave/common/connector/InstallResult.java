package dev.patchwave.common.connector;

import dev.patchwave.common.patch.Version;
import java.util.Objects;

/**
 * What became of one install: the classified cause, the installer's exit code when there
 * was one, a short message for people, and the version the target reports afterwards when
 * it could be read.
 */
public record InstallResult(ResultCause cause, Integer exitCode, String message, Version installedVersion) {

	public InstallResult {
		Objects.requireNonNull(cause, "cause");
	}

	public static InstallResult infrastructureError(String message) {
		return new InstallResult(ResultCause.INFRASTRUCTURE_ERROR, null, message, null);
	}

}
