package dev.patchwave.orchestrator.rollout;

import static dev.patchwave.orchestrator.rollout.Rows.instant;
import static dev.patchwave.orchestrator.rollout.Rows.requireOne;
import static dev.patchwave.orchestrator.rollout.Rows.timestamp;

import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.rollout.HaltPolicy;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.wave.FailureThreshold;
import dev.patchwave.common.wave.WaveState;
import dev.patchwave.orchestrator.plan.PlannedWave;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/**
 * Rollouts and their waves; their deployments are in {@link DeploymentStore}. Every state
 * change is a guarded update, see {@link Rows#requireOne}.
 */
@Repository
public class RolloutStore {

	/** Wave states that mean its installs are over. */
	private static final Set<WaveState> FINISHING = EnumSet.of(WaveState.BAKING, WaveState.HALTED, WaveState.SUCCEEDED,
			WaveState.COMPLETED_WITH_FAILURES, WaveState.ABORTED);

	private final JdbcClient jdbc;

	private final DeploymentStore deployments;

	RolloutStore(JdbcClient jdbc, DeploymentStore deployments) {
		this.jdbc = jdbc;
		this.deployments = deployments;
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
			this.deployments.insertPending(rolloutId, waveKey.getKey().longValue(), wave.targets());
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

	/** Limits the rollback about to start to one wave, or none for all of them. */
	public void limitRollback(long rolloutId, Integer wave) {
		this.jdbc.sql("UPDATE rollout SET rollback_wave = ? WHERE id = ?").params(wave, rolloutId).update();
	}

	/** Stamps a wave's verify as done, or, with null, as to be done again. */
	public void markVerified(long waveId, Instant at) {
		this.jdbc.sql("UPDATE wave SET verified_at = ? WHERE id = ?").params(timestamp(at), waveId).update();
	}

	public void changeThreshold(long waveId, FailureThreshold threshold) {
		this.jdbc.sql("UPDATE wave SET failure_threshold = ? WHERE id = ?")
			.params(threshold.toString(), waveId)
			.update();
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

}
