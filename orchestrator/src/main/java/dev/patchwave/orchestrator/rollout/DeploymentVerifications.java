package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.deployment.DeploymentState;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * A finished wave's targets whose fix is not yet confirmed, and the versions read back on
 * them, which move their deployments and the wave's tallies together.
 */
@Repository
public class DeploymentVerifications {

	private final JdbcClient jdbc;

	private final WaveTallies tallies;

	DeploymentVerifications(JdbcClient jdbc, WaveTallies tallies) {
		this.jdbc = jdbc;
		this.tallies = tallies;
	}

	/**
	 * A finished wave's targets whose fix is not confirmed: reboot pending, or installed
	 * with no version read back.
	 */
	public List<DeploymentRow> unverified(WaveRow wave) {
		return this.jdbc
			.sql("SELECT " + DeploymentStore.DEPLOYMENT_COLUMNS.replace("w.position", ":position AS position")
					+ " FROM deployment d WHERE d.wave_id = :wave AND (d.state = 'REBOOT_PENDING'"
					+ " OR (d.state = 'SUCCEEDED' AND d.installed_version IS NULL)) ORDER BY d.id")
			.param("position", wave.position())
			.param("wave", wave.id())
			.query(DeploymentStore::mapDeployment)
			.list();
	}

	/**
	 * Records the version read again on a target: reboot pending becomes succeeded once
	 * the fixed version shows.
	 */
	public void verified(DeploymentRow deployment, DeploymentState to, String version) {
		if (deployment.state() != to) {
			deployment.state().moveTo(to);
		}
		int updated = this.jdbc.sql("UPDATE deployment SET state = ?, installed_version = ? WHERE id = ? AND state = ?")
			.params(to.name(), version, deployment.id(), deployment.state().name())
			.update();
		if (updated == 1) {
			this.tallies.moveOne(deployment, to);
		}
	}

}
