package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.rollout.HaltPolicy;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.target.Target;
import dev.patchwave.common.wave.FailureThreshold;
import dev.patchwave.common.wave.WaveState;
import dev.patchwave.orchestrator.plan.PlannedWave;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/**
 * Rollouts, their waves and deployments. Every state change is a guarded update that
 * names the state it leaves, so two writers can never both move the same row: the loser
 * sees zero rows and backs off.
 */
@Repository
public class RolloutStore {

	private static final String DEPLOYMENT_COLUMNS = """
			d.id, d.rollout_id, d.wave_id, w.position, d.target_id, d.target_name, d.state, d.attempts,
			d.idempotency_key, d.exit_code, d.cause, d.message, d.installed_version, d.dispatched_at,
			d.finished_at, d.retry_at""";

	/** Wave states that mean its installs are over. */
	private static final Set<WaveState> FINISHING = EnumSet.of(WaveState.BAKING, WaveState.HALTED, WaveState.SUCCEEDED,
			WaveState.COMPLETED_WITH_FAILURES, WaveState.ABORTED);

	private final JdbcClient jdbc;

	private final JdbcTemplate template;

	private final WaveTallies tallies;

	private final DeploymentBatches batches;

	RolloutStore(JdbcClient jdbc, JdbcTemplate template, WaveTallies tallies, DeploymentBatches batches) {
		this.jdbc = jdbc;
		this.template = template;
		this.tallies = tallies;
		this.batches = batches;
	}

	public long insert(RolloutRow rollout, List<PlannedWave> waves) {
		GeneratedKeyHolder key = new GeneratedKeyHolder();
		this.jdbc.sql("""
				INSERT INTO rollout (name, patch_id, selector, advance_mode, bake_time_seconds, not_before, state,
				  created_by, created_at, version, halt_policy)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)""")
			.params(rollout.name(), rollout.patchId(), rollout.selector(), rollout.advance().name(),
					rollout.bakeTime().toSeconds(), timestamp(rollout.notBefore()), rollout.state().name(),
					rollout.createdBy(), timestamp(rollout.createdAt()), rollout.haltPolicy().name())
			.update(key, "id");
		long rolloutId = key.getKey().longValue();
		insertWaves(rolloutId, waves);
		return rolloutId;
	}

	/** Writes a rollout's planned waves and their deployments, all pending. */
	public void insertWaves(long rolloutId, List<PlannedWave> waves) {
		for (PlannedWave wave : waves) {
			GeneratedKeyHolder waveKey = new GeneratedKeyHolder();
			this.jdbc.sql("""
					INSERT INTO wave (rollout_id, position, name, size_spec, max_concurrency, failure_threshold,
					  target_count, state, acknowledged_failures, requires_approval, selector, spread_by)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)""")
				.params(rolloutId, wave.position(), wave.spec().name(), wave.spec().size().toString(),
						wave.spec().maxConcurrency(), wave.spec().failureThreshold().toString(), wave.targets().size(),
						WaveState.PENDING.name(), wave.spec().requiresApproval(),
						wave.spec().selector() == null ? null : wave.spec().selector().toString(),
						wave.spec().spreadBy())
				.update(waveKey, "id");
			long waveId = waveKey.getKey().longValue();
			// one statement per wave, the targets as two arrays: a rollout of 100,000
			// targets is written in one round trip per wave, not one per row or batch;
			// WITH ORDINALITY keeps the plan's order, which deployment ids must follow
			this.jdbc.sql("""
					INSERT INTO deployment (rollout_id, wave_id, target_id, target_name, state, attempts)
					SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), t.id, t.name, CAST(? AS VARCHAR(32)), 0
					FROM UNNEST(CAST(? AS BIGINT ARRAY), CAST(? AS VARCHAR ARRAY)) WITH ORDINALITY AS t (id, name, n)
					ORDER BY t.n""")
				.params(rolloutId, waveId, DeploymentState.PENDING.name(),
						wave.targets().stream().map(Target::id).toArray(Long[]::new),
						wave.targets().stream().map(Target::name).toArray(String[]::new))
				.update();
			this.tallies.create(waveId, wave.targets().size());
		}
	}

	public Optional<RolloutRow> rollout(long id) {
		return this.jdbc.sql("SELECT * FROM rollout WHERE id = ?").param(id).query(RolloutStore::mapRollout).optional();
	}

	public List<RolloutRow> rollouts(int page, int size) {
		return this.jdbc.sql("SELECT * FROM rollout ORDER BY id DESC LIMIT ? OFFSET ?")
			.params(size, (long) page * size)
			.query(RolloutStore::mapRollout)
			.list();
	}

	public long countRollouts() {
		return this.jdbc.sql("SELECT COUNT(*) FROM rollout").query(Long.class).single();
	}

	public List<Long> rolloutIdsIn(List<RolloutState> states) {
		return this.jdbc.sql("SELECT id FROM rollout WHERE state IN (:states) ORDER BY id")
			.param("states", states.stream().map(Enum::name).toList())
			.query(Long.class)
			.list();
	}

	/**
	 * Moves a rollout from the state it was read in; fails if another writer moved it
	 * first.
	 */
	public void moveRollout(long id, RolloutState from, RolloutState to, Instant at) {
		from.moveTo(to);
		String stamp = to == RolloutState.RUNNING ? ", started_at = COALESCE(started_at, :at)"
				: to.isEnded() ? ", finished_at = :at" : "";
		int updated = this.jdbc
			.sql("UPDATE rollout SET state = :to, version = version + 1" + stamp + " WHERE id = :id AND state = :from")
			.param("to", to.name())
			.param("at", timestamp(at))
			.param("id", id)
			.param("from", from.name())
			.update();
		requireOne(updated, "rollout", id, from);
	}

	public List<WaveRow> waves(long rolloutId) {
		return this.jdbc.sql("SELECT * FROM wave WHERE rollout_id = ? ORDER BY position")
			.param(rolloutId)
			.query(RolloutStore::mapWave)
			.list();
	}

	public void moveWave(WaveRow wave, WaveState to, Instant at) {
		wave.state().moveTo(to);
		String stamp = to == WaveState.RUNNING ? ", started_at = COALESCE(started_at, :at)"
				: FINISHING.contains(to) ? ", finished_at = :at" : "";
		int updated = this.jdbc.sql("UPDATE wave SET state = :to" + stamp + " WHERE id = :id AND state = :from")
			.param("to", to.name())
			.param("at", timestamp(at))
			.param("id", wave.id())
			.param("from", wave.state().name())
			.update();
		requireOne(updated, "wave", wave.id(), wave.state());
	}

	public WaveState waveState(long waveId) {
		return WaveState
			.valueOf(this.jdbc.sql("SELECT state FROM wave WHERE id = ?").param(waveId).query(String.class).single());
	}

	public void startBaking(WaveRow wave, Instant until, Instant at) {
		moveWave(wave, WaveState.BAKING, at);
		this.jdbc.sql("UPDATE wave SET bake_until = ? WHERE id = ?").params(timestamp(until), wave.id()).update();
	}

	public void acknowledgeFailures(long waveId, int failures) {
		this.jdbc.sql("UPDATE wave SET acknowledged_failures = ? WHERE id = ?").params(failures, waveId).update();
	}

	/**
	 * Deployment counts per state for every wave of a rollout, by wave id, from the
	 * waves' tallies.
	 */
	public Map<Long, Map<DeploymentState, Integer>> countsByWave(long rolloutId) {
		return this.tallies.byWave(rolloutId);
	}

	/**
	 * Per connector of a rollout: targets waiting to be resent after an infrastructure
	 * error, and targets still pending in a running wave behind one of the given
	 * connectors (those not up). With every connector up, only the targets in flight
	 * after an infrastructure error are read, not every pending or dispatched one.
	 */
	public List<ConnectorLoad> connectorLoad(long rolloutId, Set<String> notUp) {
		Map<String, Integer> waiting = new TreeMap<>();
		this.jdbc.sql("""
				SELECT t.connector, COUNT(*) AS n FROM deployment d JOIN target t ON t.id = d.target_id
				WHERE d.rollout_id = ? AND d.state = 'DISPATCHED' AND d.cause = 'INFRASTRUCTURE_ERROR'
				  AND d.retry_at IS NOT NULL
				GROUP BY t.connector""").param(rolloutId).query(rs -> {
			waiting.put(rs.getString("connector"), rs.getInt("n"));
		});
		Map<String, Integer> pending = new TreeMap<>();
		if (!notUp.isEmpty()) {
			this.jdbc.sql("""
					SELECT t.connector, COUNT(*) AS n
					FROM deployment d JOIN target t ON t.id = d.target_id JOIN wave w ON w.id = d.wave_id
					WHERE d.rollout_id = :rollout AND d.state = 'PENDING' AND w.state = 'RUNNING'
					  AND t.connector IN (:notUp)
					GROUP BY t.connector""")
				.param("rollout", rolloutId)
				.param("notUp", List.copyOf(notUp))
				.query(rs -> {
					pending.put(rs.getString("connector"), rs.getInt("n"));
				});
		}
		Set<String> connectors = new TreeSet<>(waiting.keySet());
		connectors.addAll(pending.keySet());
		return connectors.stream()
			.map(connector -> new ConnectorLoad(connector, waiting.getOrDefault(connector, 0),
					pending.getOrDefault(connector, 0)))
			.toList();
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
			.query(RolloutStore::mapDeployment)
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
			.query(RolloutStore::mapDeployment)
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
				.query(RolloutStore::mapDeployment)
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
			.query(RolloutStore::mapDeployment)
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
			.query(RolloutStore::mapDeployment)
			.list();
	}

	/**
	 * Installed targets to roll back, newest wave first, and within a wave in plan order.
	 */
	public List<DeploymentRow> succeededNewestWaveFirst(long rolloutId, int limit, Integer onlyWave) {
		return this.jdbc
			.sql("SELECT " + DEPLOYMENT_COLUMNS
					+ " FROM deployment d JOIN wave w ON w.id = d.wave_id WHERE d.rollout_id = :rollout"
					+ " AND d.state IN ('SUCCEEDED', 'REBOOT_PENDING')"
					+ (onlyWave == null ? "" : " AND w.position = :wave")
					+ " ORDER BY w.position DESC, d.id LIMIT :limit")
			.param("rollout", rolloutId)
			.param("wave", onlyWave)
			.param("limit", limit)
			.query(RolloutStore::mapDeployment)
			.list();
	}

	/** Limits the rollback about to start to one wave, or none for all of them. */
	public void limitRollback(long rolloutId, Integer wave) {
		this.jdbc.sql("UPDATE rollout SET rollback_wave = ? WHERE id = ?").params(wave, rolloutId).update();
	}

	/**
	 * Locks this rollout's targets' rows, in id order so two lockers never wait for each
	 * other crosswise.
	 */
	public void lockTargets(long rolloutId) {
		this.jdbc
			.sql("SELECT t.id FROM target t WHERE t.id IN (SELECT target_id FROM deployment WHERE rollout_id = ?)"
					+ " ORDER BY t.id FOR UPDATE")
			.param(rolloutId)
			.query(Long.class)
			.list();
	}

	/**
	 * The targets of this rollout that another active rollout covers, with that rollout
	 * and how many it shares in all; the first thousand. Starts from the active rollouts'
	 * deployments, so its cost does not grow with the history of finished ones.
	 */
	public List<Overlap> overlaps(long rolloutId) {
		return this.jdbc.sql("""
				SELECT other.id, other.name, theirs.target_name, COUNT(*) OVER (PARTITION BY other.id) AS shared
				FROM rollout other
				JOIN deployment theirs ON theirs.rollout_id = other.id
				WHERE other.id <> :rollout AND other.state IN
				  ('SCHEDULED', 'RUNNING', 'PAUSED', 'HALTED', 'ROLLING_BACK', 'COMPLETED_WITH_FAILURES')
				  AND EXISTS (SELECT 1 FROM deployment mine
				    WHERE mine.rollout_id = :rollout AND mine.target_id = theirs.target_id)
				ORDER BY other.id, theirs.target_name LIMIT 1000""")
			.param("rollout", rolloutId)
			.query((rs, row) -> new Overlap(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4)))
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
			.query(RolloutStore::mapDeployment)
			.optional();
	}

	/**
	 * A finished wave's targets whose fix is not confirmed: reboot pending, or installed
	 * with no version read back.
	 */
	public List<DeploymentRow> unverified(WaveRow wave) {
		return this.jdbc
			.sql("SELECT " + DEPLOYMENT_COLUMNS.replace("w.position", ":position AS position")
					+ " FROM deployment d WHERE d.wave_id = :wave AND (d.state = 'REBOOT_PENDING'"
					+ " OR (d.state = 'SUCCEEDED' AND d.installed_version IS NULL)) ORDER BY d.id")
			.param("position", wave.position())
			.param("wave", wave.id())
			.query(RolloutStore::mapDeployment)
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
			moveOne(deployment, to);
		}
	}

	/** Stamps a wave's verify as done, or, with null, as to be done again. */
	public void markVerified(long waveId, Instant at) {
		this.jdbc.sql("UPDATE wave SET verified_at = ? WHERE id = ?").params(timestamp(at), waveId).update();
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
		moveOne(deployment, DeploymentState.EXCLUDED);
	}

	public void changeThreshold(long waveId, FailureThreshold threshold) {
		this.jdbc.sql("UPDATE wave SET failure_threshold = ? WHERE id = ?")
			.params(threshold.toString(), waveId)
			.update();
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
			moveOne(deployment, DeploymentState.ROLLING_BACK);
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
			.params(to.name(), cause.name(), exitCode, truncate(message), installedVersion, timestamp(at), deploymentId,
					DeploymentState.ROLLING_BACK.name(), key)
			.update() == 1;
		if (settled) {
			this.tallies.move(deploymentId, DeploymentState.ROLLING_BACK, to);
		}
		return settled;
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
		moveOne(deployment, DeploymentState.SKIPPED);
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

	private void moveOne(DeploymentRow deployment, DeploymentState to) {
		WaveTallies.Moves moves = new WaveTallies.Moves();
		moves.add(deployment.waveId(), deployment.state(), to);
		this.tallies.move(moves);
	}

	/**
	 * Counts one more connector error on the current attempt; returns how many it has
	 * had.
	 */
	public int countConnectorError(long deploymentId, String key) {
		return countUp("connector_errors", DeploymentState.DISPATCHED, deploymentId, key);
	}

	/** Counts one more send of the current rollback; returns how many it has had. */
	public int countRollbackAttempt(long deploymentId, String key) {
		return countUp("rollback_attempts", DeploymentState.ROLLING_BACK, deploymentId, key);
	}

	private int countUp(String column, DeploymentState state, long deploymentId, String key) {
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

	/**
	 * A target that another active rollout covers, and how many targets the two share.
	 */
	public record Overlap(long rolloutId, String rolloutName, String target, int shared) {

		/** Names each rollout and up to ten of the targets it shares. */
		public static String describe(List<Overlap> overlaps) {
			Map<Long, List<Overlap>> byRollout = new LinkedHashMap<>();
			overlaps.forEach(
					overlap -> byRollout.computeIfAbsent(overlap.rolloutId(), id -> new ArrayList<>()).add(overlap));
			return byRollout.values().stream().map(shared -> {
				List<String> names = shared.stream().map(Overlap::target).toList();
				return "rollout %d '%s' already covers %d of these targets: %s%s".formatted(shared.get(0).rolloutId(),
						shared.get(0).rolloutName(), shared.get(0).shared(),
						String.join(", ", names.subList(0, Math.min(10, names.size()))),
						names.size() > 10 ? ", ..." : "");
			}).collect(Collectors.joining("; "))
					+ ". A target is in one active rollout at a time: finish, abort or retry that rollout first.";
		}

	}

	/**
	 * How many of a rollout's targets behind one connector wait for it, or are still to
	 * be dispatched.
	 */
	public record ConnectorLoad(String connector, int waiting, int pending) {

	}

	private static void requireOne(int updated, String kind, long id, Enum<?> from) {
		if (updated != 1) {
			throw new OptimisticLockingFailureException(
					"%s %d was no longer %s: another writer changed it first".formatted(kind, id, from));
		}
	}

	static String truncate(String message) {
		return message == null || message.length() <= 1000 ? message : message.substring(0, 999) + "…";
	}

	private static Timestamp timestamp(Instant instant) {
		return instant == null ? null : Timestamp.from(instant);
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp value = rs.getTimestamp(column);
		return value == null ? null : value.toInstant();
	}

	private static RolloutRow mapRollout(ResultSet rs, int row) throws SQLException {
		return new RolloutRow(rs.getLong("id"), rs.getString("name"), rs.getString("patch_id"),
				rs.getString("selector"), AdvanceMode.valueOf(rs.getString("advance_mode")),
				Duration.ofSeconds(rs.getLong("bake_time_seconds")), instant(rs, "not_before"),
				RolloutState.valueOf(rs.getString("state")), rs.getString("created_by"), instant(rs, "created_at"),
				instant(rs, "started_at"), instant(rs, "finished_at"), HaltPolicy.valueOf(rs.getString("halt_policy")),
				rs.getObject("rollback_wave", Integer.class));
	}

	private static WaveRow mapWave(ResultSet rs, int row) throws SQLException {
		return new WaveRow(rs.getLong("id"), rs.getLong("rollout_id"), rs.getInt("position"), rs.getString("name"),
				rs.getString("size_spec"), rs.getInt("max_concurrency"),
				FailureThreshold.parse(rs.getString("failure_threshold")), rs.getInt("target_count"),
				WaveState.valueOf(rs.getString("state")), rs.getInt("acknowledged_failures"), instant(rs, "started_at"),
				instant(rs, "finished_at"), instant(rs, "bake_until"), rs.getBoolean("requires_approval"),
				instant(rs, "verified_at"));
	}

	private static DeploymentRow mapDeployment(ResultSet rs, int row) throws SQLException {
		String cause = rs.getString("cause");
		return new DeploymentRow(rs.getLong("id"), rs.getLong("rollout_id"), rs.getLong("wave_id"),
				rs.getInt("position"), rs.getLong("target_id"), rs.getString("target_name"),
				DeploymentState.valueOf(rs.getString("state")), rs.getInt("attempts"), rs.getString("idempotency_key"),
				rs.getObject("exit_code", Integer.class), cause == null ? null : ResultCause.valueOf(cause),
				rs.getString("message"), rs.getString("installed_version"), instant(rs, "dispatched_at"),
				instant(rs, "finished_at"), instant(rs, "retry_at"));
	}

}
