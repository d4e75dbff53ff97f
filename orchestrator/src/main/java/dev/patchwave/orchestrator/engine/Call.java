package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.connector.InstallRequest;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.target.Target;
import java.util.UUID;

/**
 * One connector call: which attempt (by its idempotency key) of which deployment, for
 * which target and patch.
 */
record Call(long rolloutId, long deploymentId, int wave, String key, Target target, Patch patch) {

	InstallRequest request() {
		return new InstallRequest(this.key, this.target, this.patch);
	}

	Call withKey(String newKey) {
		return new Call(this.rolloutId, this.deploymentId, this.wave, newKey, this.target, this.patch);
	}

	/**
	 * The key of one attempt: readable (deployment and attempt) and unique beyond this
	 * database, so that two Patchwave installations, or a database restored from an old
	 * backup, never present a host with a key it has already seen for another install.
	 * Stored before the call; resends reuse the stored key.
	 */
	static String installKey(long deploymentId, int attempt) {
		return "pw-d%d-a%d-%s".formatted(deploymentId, attempt, uniqueSuffix());
	}

	static String rollbackKey(long deploymentId) {
		return "pw-d%d-rollback-%s".formatted(deploymentId, uniqueSuffix());
	}

	private static String uniqueSuffix() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

}
