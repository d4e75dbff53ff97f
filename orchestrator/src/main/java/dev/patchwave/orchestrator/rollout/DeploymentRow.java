package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.deployment.DeploymentState;
import java.time.Instant;

/** One target inside one rollout, as stored. */
public record DeploymentRow(long id, long rolloutId, long waveId, int wave, long targetId, String targetName,
		DeploymentState state, int attempts, String idempotencyKey, Integer exitCode, ResultCause cause, String message,
		String installedVersion, Instant dispatchedAt, Instant finishedAt, Instant retryAt) {

}
