package dev.patchwave.connectors.ssh;

import dev.patchwave.common.connector.MsiexecExitCodes;
import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.patch.InstallSteps;
import dev.patchwave.common.patch.Patch;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The commands that install, verify and roll back one patch over SSH: each the
 * connector's override when it has one, else the catalog's ssh step. A null command means
 * the step is not offered.
 *
 * @param exitCodes what the installer's exit codes mean, from the catalog; codes not
 * listed are read as Windows Installer codes
 */
record PatchSteps(CommandTemplate install, CommandTemplate verify, CommandTemplate rollback,
		Map<Integer, ResultCause> exitCodes) {

	/**
	 * @throws IllegalArgumentException when a catalog step uses an unknown variable,
	 * naming the patch and step
	 */
	static PatchSteps of(Patch patch, SshSettings settings) {
		InstallSteps catalog = patch.stepsFor(SshConnectorFactory.TYPE).orElse(null);
		return new PatchSteps(step("install", patch, settings, (catalog != null) ? catalog.install() : null),
				step("verify", patch, settings, (catalog != null) ? catalog.verify() : null),
				step("rollback", patch, settings, (catalog != null) ? catalog.rollback() : null),
				(catalog != null) ? catalog.exitCodes() : Map.of());
	}

	/**
	 * The exit codes that count as success, after which the verify command runs: Windows
	 * Installer's and those the patch maps to a success.
	 */
	Set<Integer> successCodes() {
		return Stream
			.concat(Stream.of(MsiexecExitCodes.SUCCESS, MsiexecExitCodes.REBOOT_REQUIRED,
					MsiexecExitCodes.REBOOT_INITIATED), this.exitCodes.keySet().stream())
			.filter(code -> classify(code).isSuccess())
			.collect(Collectors.toUnmodifiableSet());
	}

	ResultCause classify(int exitCode) {
		ResultCause mapped = this.exitCodes.get(exitCode);
		return (mapped != null) ? mapped : MsiexecExitCodes.classify(exitCode);
	}

	/**
	 * What the exit code means, in words, saying so when it is the patch's own meaning.
	 */
	String describe(int exitCode) {
		ResultCause mapped = this.exitCodes.get(exitCode);
		return (mapped != null) ? "exit code %d, which the patch's ssh steps read as %s".formatted(exitCode, mapped)
				: MsiexecExitCodes.describe(exitCode) + " (exit code " + exitCode + ")";
	}

	/** Why a step cannot run, and how to make it available. */
	static String missing(String step, Patch patch) {
		return ("patch %s has no ssh %s step: add an ssh %s command to the patch's steps in the catalog, or set "
				+ "the connector setting %s.%s")
			.formatted(patch.id(), step, step, step, patch.id());
	}

	private static CommandTemplate step(String step, Patch patch, SshSettings settings, String catalogText) {
		CommandTemplate override = settings.override(step, patch.id());
		if (override != null || catalogText == null || catalogText.isBlank()) {
			return override;
		}
		try {
			return CommandTemplate.parse(catalogText);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"the ssh %s step of patch %s uses an %s".formatted(step, patch.id(), ex.getMessage()), ex);
		}
	}

}
