package dev.patchwave.web.insight;

/**
 * Where one host running a patched product stands with that patch. Every status but
 * {@link #PATCHED} leaves the host exposed.
 */
public enum HostStatus {

	/** At or above the fixed version. */
	PATCHED("patched"),

	/** An install (or a rollback) is running on it now. */
	IN_FLIGHT("in flight"),

	/** Its latest install failed, or taking the patch off failed. */
	FAILED("failed"),

	/** Installed; waits for a reboot to take effect. */
	REBOOT_PENDING("reboot pending"),

	/** Waiting for its turn in a rollout that is not over. */
	QUEUED("queued in a rollout"),

	/**
	 * No rollout will patch it: never planned, skipped by an operator, rolled back, or
	 * left over by a rollout that ended.
	 */
	UNCOVERED("covered by no rollout");

	private final String words;

	HostStatus(String words) {
		this.words = words;
	}

	public String words() {
		return this.words;
	}

	public boolean exposed() {
		return this != PATCHED;
	}

}
