package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.deployment.DeploymentState;
import java.time.Instant;

/**
 * One target of a rollout: where it stands, how often it was tried, and what the
 * connector said.
 */
public record DeploymentView(long id, String target, int wave, DeploymentState state, int attempts,
		String idempotencyKey, Integer exitCode, ResultCause cause, String message, String installedVersion,
		Instant dispatchedAt, Instant finishedAt, Instant retryAt) {

	static DeploymentView of(DeploymentRow row) {
		return new DeploymentView(row.id(), row.targetName(), row.wave(), row.state(), row.attempts(),
				row.idempotencyKey(), row.exitCode(), row.cause(), row.message(), row.installedVersion(),
				row.dispatchedAt(), row.finishedAt(), row.retryAt());
	}

}
