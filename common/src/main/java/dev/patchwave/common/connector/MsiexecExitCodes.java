package dev.patchwave.common.connector;

/**
 * The Windows Installer exit codes that matter to a rollout, and the cause each one
 * means.
 */
public final class MsiexecExitCodes {

	public static final int SUCCESS = 0;

	public static final int FATAL_ERROR = 1603;

	public static final int ANOTHER_INSTALL_RUNNING = 1618;

	public static final int REBOOT_INITIATED = 1641;

	public static final int REBOOT_REQUIRED = 3010;

	private MsiexecExitCodes() {
	}

	public static ResultCause classify(int exitCode) {
		return switch (exitCode) {
			case SUCCESS -> ResultCause.SUCCEEDED;
			case REBOOT_REQUIRED, REBOOT_INITIATED -> ResultCause.SUCCEEDED_REBOOT_PENDING;
			case ANOTHER_INSTALL_RUNNING -> ResultCause.TRANSIENT_TARGET_ERROR;
			default -> ResultCause.FATAL_TARGET_ERROR;
		};
	}

	public static String describe(int exitCode) {
		return switch (exitCode) {
			case SUCCESS -> "installed";
			case REBOOT_REQUIRED -> "installed, reboot required";
			case REBOOT_INITIATED -> "installed, reboot initiated";
			case ANOTHER_INSTALL_RUNNING -> "another installation is already in progress";
			case FATAL_ERROR -> "fatal error during installation";
			default -> "installer failed with exit code " + exitCode;
		};
	}

}
