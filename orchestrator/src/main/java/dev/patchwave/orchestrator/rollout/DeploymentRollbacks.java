package dev.patchwave.orchestrator.rollout;

import static dev.patchwave.orchestrator.rollout.Rows.timestamp;

import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.deployment.DeploymentState;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What rolling back does to the deployment table: which installed targets come next,
 * marking one as being rolled back under its key, settling it, and counting its sends.
 * Each move keeps the waves' tallies in the same transaction, as {@link DeploymentStore}
 * does for installs.
 */
@Repository
public class DeploymentRollbacks {

	private final JdbcClient jdbc;

	private final WaveTallies tallies;

	private final DeploymentStore deployments;

	DeploymentRollbacks(JdbcClient jdbc, WaveTallies tallies, DeploymentStore deployments) {
		this.jdbc = jdbc;
		this.tallies = tallies;
		this.deployments = deployments;
	}

	/**
	 * Installed targets to roll back, newest wave first, and within a wave in plan order.
	 */
	public List<DeploymentRow> succeededNewestWaveFirst(long rolloutId, int limit, Integer onlyWave) {
		return this.jdbc
			.sql("SELECT " + DeploymentStore.DEPLOYMENT_COLUMNS
					+ " FROM deployment d JOIN wave w ON w.id = d.wave_id WHERE d.rollout_id = :rollout"
					+ " AND d.state IN ('SUCCEEDED', 'REBOOT_PENDING')"
					+ (onlyWave == null ? "" : " AND w.position = :wave")
					+ " ORDER BY w.position DESC, d.id LIMIT :limit")
			.param("rollout", rolloutId)
			.param("wave", onlyWave)
			.param("limit", limit)
			.query(DeploymentStore::mapDeployment)
			.list();
	}

	/**
	 * Marks an installed target as being rolled back under the given key; false if it
	 * moved meanwhile.
	 */
	public boolean markRollingBack(DeploymentRow deployment, String key, Instant at) {
		deployment.state().moveTo(DeploymentState.ROLLING_BACK);
		boolean marked = this.jdbc
			.sql("""
					UPDATE deployment SET state = ?, idempotency_key = ?, dispatched_at = ?, finished_at = NULL, retry_at = NULL,
					  rollback_attempts = 0
					WHERE id = ? AND state = ?""")
			.params(DeploymentState.ROLLING_BACK.name(), key, timestamp(at), deployment.id(), deployment.state().name())
			.update() == 1;
		if (marked) {
			this.tallies.moveOne(deployment, DeploymentState.ROLLING_BACK);
		}
		return marked;
	}

	/** Settles a rollback under its key. */
	public boolean settleRollback(long deploymentId, String key, DeploymentState to, ResultCause cause,
			Integer exitCode, String message, String installedVersion, Instant at) {
		DeploymentState.ROLLING_BACK.moveTo(to);
		boolean settled = this.jdbc.sql("""
				UPDATE deployment SET state = ?, cause = ?, exit_code = ?, message = ?, installed_version = ?,
				  finished_at = ?
				WHERE id = ? AND state = ? AND idempotency_key = ?""")
			.params(to.name(), cause.name(), exitCode, DeploymentStore.truncate(message), installedVersion,
					timestamp(at), deploymentId, DeploymentState.ROLLING_BACK.name(), key)
			.update() == 1;
		if (settled) {
			this.tallies.move(deploymentId, DeploymentState.ROLLING_BACK, to);
		}
		return settled;
	}

	/** Counts one more send of the current rollback; returns how many it has had. */
	public int countRollbackAttempt(long deploymentId, String key) {
		return this.deployments.countUp("rollback_attempts", DeploymentState.ROLLING_BACK, deploymentId, key);
	}

}
