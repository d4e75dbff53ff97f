package dev.patchwave.common.connector;

import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.target.Target;
import java.util.Objects;

/**
 * One install of a patch on one target; the idempotency key is unique per deployment
 * attempt.
 */
public record InstallRequest(String idempotencyKey, Target target, Patch patch) {

	public InstallRequest {
		Objects.requireNonNull(idempotencyKey, "idempotencyKey");
		Objects.requireNonNull(target, "target");
		Objects.requireNonNull(patch, "patch");
	}

}
