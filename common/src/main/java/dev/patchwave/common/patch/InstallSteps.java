package dev.patchwave.common.patch;

import dev.patchwave.common.connector.ResultCause;
import java.util.Map;

/**
 * How one kind of connector installs, verifies and rolls back a patch: command templates
 * with {@code {{variable}}} placeholders, and what the installer's exit codes mean (codes
 * not listed are read as Windows Installer codes). A missing verify or rollback template
 * means the step is not offered.
 */
public record InstallSteps(String install, String verify, String rollback, Map<Integer, ResultCause> exitCodes) {

	public InstallSteps {
		exitCodes = Map.copyOf(exitCodes);
	}

}
