package dev.patchwave.orchestrator.rollout;

import static dev.patchwave.orchestrator.rollout.Rows.instant;
import static dev.patchwave.orchestrator.rollout.Rows.requireOne;
import static dev.patchwave.orchestrator.rollout.Rows.timestamp;

import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.target.Target;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Deployments: each target's place in a rollout, from pending through dispatched to
 * settled, retried, rolled back or verified, with the waves' tallies that count them.
 * Every state change is a guarded update, see {@link Rows#requireOne}.
 */
@Repository
public class DeploymentStore {

	static final String DEPLOYMENT_COLUMNS = """
			d.id, d.rollout_id, d.wave_id, w.position, d.target_id, d.target_name, d.state, d.attempts,
			d.idempotency_key, d.exit_code, d.cause, d.message, d.installed_version, d.dispatched_at,
			d.finished_at, d.retry_at""";

	private final JdbcClient jdbc;

	private final WaveTallies tallies;

	private final DeploymentBatches batches;

	DeploymentStore(JdbcClient jdbc, WaveTallies tallies, DeploymentBatches batches) {
		this.jdbc = jdbc;
		this.tallies = tallies;
		this.batches = batches;
	}

	/**
	 * Writes a new wave's targets as its pending deployments, with the tally that counts
	 * them.
	 */
	void insertPending(long rolloutId, long waveId, List<Target> targets) {
		// one statement per wave, the targets as two arrays: a rollout of 100,000
		// targets is written in one round trip per wave, not one per row or batch;
		// WITH ORDINALITY keeps the plan's order, which deployment ids must follow
		this.jdbc.sql("""
				INSERT INTO deployment (rollout_id, wave_id, target_id, target_name, state, attempts)
				SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), t.id, t.name, CAST(? AS VARCHAR(32)), 0
				FROM UNNEST(CAST(? AS BIGINT ARRAY), CAST(? AS VARCHAR ARRAY)) WITH ORDINALITY AS t (id, name, n)
				ORDER BY t.n""")
			.params(rolloutId, waveId, DeploymentState.PENDING.name(),
					targets.stream().map(Target::id).toArray(Long[]::new),
					targets.stream().map(Target::name).toArray(String[]::new))
			.update();
		this.tallies.create(waveId, targets.size());
	}

	/**
	 * Deployment counts per state for every wave of a rollout, by wave id, from the
	 * waves' tallies.
	 */
	public Map<Long, Map<DeploymentState, Integer>> countsByWave(long rolloutId) {
		return this.tallies.byWave(rolloutId);
	}

	/**
	 * The next pending targets of a wave in plan order (ids were given in the plan's
	 * order), leaving out those behind the given connectors.
	 */
	public List<DeploymentRow> pending(WaveRow wave, int limit, Set<String> excludedConnectors) {
		String exclusion = excludedConnectors.isEmpty() ? ""
				: " AND NOT EXISTS (SELECT 1 FROM target t WHERE t.id = d.target_id AND t.connector IN (:excluded))";
		return this.jdbc
			.sql("SELECT " + DEPLOYMENT_COLUMNS.replace("w.position", ":position AS position")
					+ " FROM deployment d WHERE d.wave_id = :wave AND d.state = :state" + exclusion
					+ " ORDER BY d.id LIMIT :limit")
			.param("position", wave.position())
			.param("wave", wave.id())
			.param("state", DeploymentState.PENDING.name())
			.param("excluded", excludedConnectors.isEmpty() ? List.of("") : List.copyOf(excludedConnectors))
			.param("limit", limit)
			.query(DeploymentStore::mapDeployment)
			.list();
	}

	/** How many targets of a rollout are in each state. */
	public Map<DeploymentState, Integer> countsByState(long rolloutId) {
		Map<DeploymentState, Integer> counts = new EnumMap<>(DeploymentState.class);
		this.jdbc.sql("SELECT state, COUNT(*) AS n FROM deployment WHERE rollout_id = ? GROUP BY state")
			.param(rolloutId)
			.query(rs -> {
				counts.put(DeploymentState.valueOf(rs.getString("state")), rs.getInt("n"));
			});
		return counts;
	}

	/** How many targets of one wave are in each state. */
	public Map<DeploymentState, Integer> counts(long waveId) {
		Map<DeploymentState, Integer> counts = new EnumMap<>(DeploymentState.class);
		this.jdbc.sql("SELECT state, COUNT(*) AS n FROM deployment WHERE wave_id = ? GROUP BY state")
			.param(waveId)
			.query(rs -> {
				counts.put(DeploymentState.valueOf(rs.getString("state")), rs.getInt("n"));
			});
		return counts;
	}

	public Optional<DeploymentRow> deployment(long id) {
		return this.jdbc
			.sql("SELECT " + DEPLOYMENT_COLUMNS + " FROM deployment d JOIN wave w ON w.id = d.wave_id WHERE d.id = ?")
			.param(id)
			.query(DeploymentStore::mapDeployment)
			.optional();
	}

	/** The deployments with these ids, by id, in one query. */
	public Map<Long, DeploymentRow> deployments(Collection<Long> ids) {
		Map<Long, DeploymentRow> found = new HashMap<>();
		if (!ids.isEmpty()) {
			this.jdbc
				.sql("SELECT " + DEPLOYMENT_COLUMNS
						+ " FROM deployment d JOIN wave w ON w.id = d.wave_id WHERE d.id IN (:ids)")
				.param("ids", List.copyOf(ids))
				.query(DeploymentStore::mapDeployment)
				.list()
				.forEach(row -> found.put(row.id(), row));
		}
		return found;
	}

	/**
	 * Marks pending deployments dispatched, each under its new key, in one batch; returns
	 * for each whether it was still in the state it was read in.
	 */
	public boolean[] markDispatched(List<DeploymentRow> deployments, List<String> keys, Instant at) {
		deployments.forEach(deployment -> deployment.state().moveTo(DeploymentState.DISPATCHED));
		return this.batches.markDispatched(deployments, keys, timestamp(at));
	}

	/**
	 * Settles dispatched attempts under their keys in one batch; see {@link #settle}.
	 */
	public boolean[] settle(List<Settlement> settlements, Instant at) {
		settlements.forEach(settlement -> DeploymentState.DISPATCHED.moveTo(settlement.to()));
		return this.batches.settle(settlements, timestamp(at));
	}

	/** How one dispatched attempt ended. */
	public record Settlement(long deploymentId, long waveId, String key, DeploymentState to, ResultCause cause,
			Integer exitCode, String message, String installedVersion) {

	}

	public List<DeploymentRow> deployments(long rolloutId, DeploymentState state, int page, int size) {
		return this.jdbc
			.sql("SELECT " + DEPLOYMENT_COLUMNS
					+ " FROM deployment d JOIN wave w ON w.id = d.wave_id WHERE d.rollout_id = :rollout"
					+ (state == null ? "" : " AND d.state = :state")
					+ " ORDER BY w.position, d.target_name LIMIT :limit OFFSET :offset")
			.param("rollout", rolloutId)
			.param("state", state == null ? null : state.name())
			.param("limit", size)
			.param("offset", (long) page * size)
			.query(DeploymentStore::mapDeployment)
			.list();
	}

	public long countDeployments(long rolloutId, DeploymentState state) {
		return this.jdbc
			.sql("SELECT COUNT(*) FROM deployment WHERE rollout_id = :rollout"
					+ (state == null ? "" : " AND state = :state"))
			.param("rollout", rolloutId)
			.param("state", state == null ? null : state.name())
			.query(Long.class)
			.single();
	}

	public List<DeploymentRow> dispatched(long rolloutId) {
		return inState(rolloutId, DeploymentState.DISPATCHED);
	}

	public List<DeploymentRow> inState(long rolloutId, DeploymentState state) {
		return this.jdbc.sql("SELECT " + DEPLOYMENT_COLUMNS
				+ " FROM deployment d JOIN wave w ON w.id = d.wave_id WHERE d.rollout_id = ? AND d.state = ? ORDER BY d.id")
			.params(rolloutId, state.name())
			.query(DeploymentStore::mapDeployment)
			.list();
	}

	/**
	 * Puts the failed targets of a rollout, or of one of its waves, back among the
	 * pending; returns how many, and the positions of their waves, from the update
	 * itself.
	 */
	public Requeued requeueFailed(long rolloutId, Integer wave) {
		DeploymentState.FAILED.moveTo(DeploymentState.PENDING);
		List<Integer> positions = this.jdbc
			.sql("SELECT DISTINCT w.position FROM deployment d JOIN wave w ON w.id = d.wave_id"
					+ " WHERE d.rollout_id = :rollout AND d.state = 'FAILED'"
					+ (wave == null ? "" : " AND w.position = :wave"))
			.param("rollout", rolloutId)
			.param("wave", wave)
			.query(Integer.class)
			.list();
		int targets = this.jdbc
			.sql("UPDATE deployment SET state = 'PENDING', retry_at = NULL, dispatched_at = NULL, finished_at = NULL"
					+ " WHERE rollout_id = :rollout AND state = 'FAILED'"
					+ (wave == null ? ""
							: " AND wave_id = (SELECT id FROM wave WHERE rollout_id = :rollout AND position = :wave)"))
			.param("rollout", rolloutId)
			.param("wave", wave)
			.update();
		this.tallies.recount(rolloutId);
		return new Requeued(targets, Set.copyOf(positions));
	}

	/**
	 * How many failed targets went back among the pending, and the positions of their
	 * waves.
	 */
	public record Requeued(int targets, Set<Integer> waves) {

	}

	public Optional<DeploymentRow> deployment(long rolloutId, String targetName) {
		return this.jdbc
			.sql("SELECT " + DEPLOYMENT_COLUMNS
					+ " FROM deployment d JOIN wave w ON w.id = d.wave_id WHERE d.rollout_id = ? AND d.target_name = ?")
			.params(rolloutId, targetName)
			.query(DeploymentStore::mapDeployment)
			.optional();
	}

	/** Leaves a target out of its rollout, from the state it was read in. */
	public void exclude(DeploymentRow deployment, String message, Instant at) {
		deployment.state().moveTo(DeploymentState.EXCLUDED);
		int updated = this.jdbc.sql("""
				UPDATE deployment SET state = ?, message = ?, finished_at = ?, retry_at = NULL
				WHERE id = ? AND state = ?""")
			.params(DeploymentState.EXCLUDED.name(), truncate(message), timestamp(at), deployment.id(),
					deployment.state().name())
			.update();
		requireOne(updated, "deployment", deployment.id(), deployment.state());
		this.tallies.moveOne(deployment, DeploymentState.EXCLUDED);
	}

	/**
	 * Starts the next attempt of a deployment that waited for its retry, under a new key.
	 */
	public boolean markRetried(DeploymentRow deployment, String key, Instant at) {
		return this.jdbc.sql("""
				UPDATE deployment SET attempts = attempts + CASE WHEN idempotency_key = ? THEN 0 ELSE 1 END,
				  idempotency_key = ?, dispatched_at = ?, retry_at = NULL
				WHERE id = ? AND state = ? AND idempotency_key = ?""")
			.params(key, key, timestamp(at), deployment.id(), DeploymentState.DISPATCHED.name(),
					deployment.idempotencyKey())
			.update() == 1;
	}

	public void markSkipped(DeploymentRow deployment, String installedVersion, String message, Instant at) {
		deployment.state().moveTo(DeploymentState.SKIPPED);
		int updated = this.jdbc.sql("""
				UPDATE deployment SET state = ?, installed_version = ?, message = ?, finished_at = ?
				WHERE id = ? AND state = ?""")
			.params(DeploymentState.SKIPPED.name(), installedVersion, message, timestamp(at), deployment.id(),
					deployment.state().name())
			.update();
		requireOne(updated, "deployment", deployment.id(), deployment.state());
		this.tallies.moveOne(deployment, DeploymentState.SKIPPED);
	}

	/**
	 * Settles a dispatched attempt; false if the outcome belongs to an attempt that is no
	 * longer current.
	 */
	public boolean settle(long deploymentId, String key, DeploymentState to, ResultCause cause, Integer exitCode,
			String message, String installedVersion, Instant at) {
		DeploymentState.DISPATCHED.moveTo(to);
		boolean settled = this.jdbc.sql("""
				UPDATE deployment SET state = ?, cause = ?, exit_code = ?, message = ?, installed_version = ?,
				  finished_at = ?, retry_at = NULL
				WHERE id = ? AND state = ? AND idempotency_key = ?""")
			.params(to.name(), cause.name(), exitCode, truncate(message), installedVersion, timestamp(at), deploymentId,
					DeploymentState.DISPATCHED.name(), key)
			.update() == 1;
		if (settled) {
			this.tallies.move(deploymentId, DeploymentState.DISPATCHED, to);
		}
		return settled;
	}

	/**
	 * Records an outcome that will be tried again at {@code retryAt}; the deployment
	 * stays dispatched.
	 */
	public boolean awaitRetry(long deploymentId, String key, ResultCause cause, Integer exitCode, String message,
			Instant retryAt) {
		return this.jdbc.sql("""
				UPDATE deployment SET cause = ?, exit_code = ?, message = ?, retry_at = ?
				WHERE id = ? AND state = ? AND idempotency_key = ?""")
			.params(cause.name(), exitCode, truncate(message), timestamp(retryAt), deploymentId,
					DeploymentState.DISPATCHED.name(), key)
			.update() == 1;
	}

	/**
	 * Puts a dispatched target whose call never reached its connector back among the
	 * pending, for a rollout that no longer sends anything new. It keeps its attempt's
	 * key (and number), so the next dispatch sends that same key: should the first send
	 * still arrive late, the host runs it once.
	 */
	public boolean release(long deploymentId, String key, String message) {
		DeploymentState.DISPATCHED.moveTo(DeploymentState.PENDING);
		boolean released = this.jdbc.sql("""
				UPDATE deployment SET state = ?, message = ?, dispatched_at = NULL, retry_at = NULL,
				  attempts = attempts - 1
				WHERE id = ? AND state = ? AND idempotency_key = ?""")
			.params(DeploymentState.PENDING.name(), truncate(message), deploymentId, DeploymentState.DISPATCHED.name(),
					key)
			.update() == 1;
		if (released) {
			this.tallies.move(deploymentId, DeploymentState.DISPATCHED, DeploymentState.PENDING);
		}
		return released;
	}

	/**
	 * Counts one more connector error on the current attempt; returns how many it has
	 * had.
	 */
	public int countConnectorError(long deploymentId, String key) {
		return countUp("connector_errors", DeploymentState.DISPATCHED, deploymentId, key);
	}

	/**
	 * Counts one more in {@code column} of the current attempt under {@code key}; returns
	 * the count.
	 */
	int countUp(String column, DeploymentState state, long deploymentId, String key) {
		this.jdbc
			.sql("UPDATE deployment SET " + column + " = " + column
					+ " + 1 WHERE id = ? AND state = ? AND idempotency_key = ?")
			.params(deploymentId, state.name(), key)
			.update();
		return this.jdbc.sql("SELECT " + column + " FROM deployment WHERE id = ?")
			.param(deploymentId)
			.query(Integer.class)
			.single();
	}

	static String truncate(String message) {
		return message == null || message.length() <= 1000 ? message : message.substring(0, 999) + "…";
	}

	static DeploymentRow mapDeployment(ResultSet rs, int row) throws SQLException {
		String cause = rs.getString("cause");
		return new DeploymentRow(rs.getLong("id"), rs.getLong("rollout_id"), rs.getLong("wave_id"),
				rs.getInt("position"), rs.getLong("target_id"), rs.getString("target_name"),
				DeploymentState.valueOf(rs.getString("state")), rs.getInt("attempts"), rs.getString("idempotency_key"),
				rs.getObject("exit_code", Integer.class), cause == null ? null : ResultCause.valueOf(cause),
				rs.getString("message"), rs.getString("installed_version"), instant(rs, "dispatched_at"),
				instant(rs, "finished_at"), instant(rs, "retry_at"));
	}

}
