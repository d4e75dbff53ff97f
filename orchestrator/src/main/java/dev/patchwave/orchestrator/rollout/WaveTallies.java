package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.deployment.DeploymentState;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * How many targets of each wave are in each state, moved in the same transaction as the
 * deployments they count, so the engine's every step and every read of a rollout reads a
 * few rows instead of counting all of its targets. Deltas commute, so writers that do not
 * share a lock still leave the right sum; a recount, which sets the sums, is taken under
 * the rollout's row lock that every writer of its deployments takes first.
 */
@Repository
public class WaveTallies {

	private final JdbcClient jdbc;

	private final JdbcTemplate template;

	public WaveTallies(JdbcClient jdbc, JdbcTemplate template) {
		this.jdbc = jdbc;
		this.template = template;
	}

	/** The tally of a new wave whose targets are all pending. */
	void create(long waveId, int pending) {
		this.template.batchUpdate("INSERT INTO wave_tally (wave_id, state, n) VALUES (?, ?, ?)",
				List.of(DeploymentState.values()), DeploymentState.values().length, (ps, state) -> {
					ps.setLong(1, waveId);
					ps.setString(2, state.name());
					ps.setInt(3, state == DeploymentState.PENDING ? pending : 0);
				});
	}

	/** Moves targets between states, in one JDBC batch for any number of waves. */
	void move(Moves moves) {
		if (moves.deltas.isEmpty()) {
			return;
		}
		List<Map.Entry<Cell, Integer>> deltas = moves.deltas.entrySet()
			.stream()
			.filter(entry -> entry.getValue() != 0)
			.toList();
		this.template.batchUpdate("UPDATE wave_tally SET n = n + ? WHERE wave_id = ? AND state = ?", deltas,
				deltas.size(), (ps, delta) -> {
					ps.setInt(1, delta.getValue());
					ps.setLong(2, delta.getKey().waveId());
					ps.setString(3, delta.getKey().state().name());
				});
	}

	/** One deployment moved from its state to {@code to}. */
	void moveOne(DeploymentRow deployment, DeploymentState to) {
		Moves moves = new Moves();
		moves.add(deployment.waveId(), deployment.state(), to);
		move(moves);
	}

	/** Moves one target of the deployment's wave. */
	void move(long deploymentId, DeploymentState from, DeploymentState to) {
		if (from == to) {
			return;
		}
		String sql = "UPDATE wave_tally SET n = n + ? WHERE state = ?"
				+ " AND wave_id = (SELECT wave_id FROM deployment WHERE id = ?)";
		this.jdbc.sql(sql).params(-1, from.name(), deploymentId).update();
		this.jdbc.sql(sql).params(1, to.name(), deploymentId).update();
	}

	/** How many targets of one wave are in each state. */
	public Map<DeploymentState, Integer> of(long waveId) {
		Map<DeploymentState, Integer> counts = new EnumMap<>(DeploymentState.class);
		this.jdbc.sql("SELECT state, n FROM wave_tally WHERE wave_id = ?").param(waveId).query(rs -> {
			counts.put(DeploymentState.valueOf(rs.getString("state")), rs.getInt("n"));
		});
		return counts;
	}

	/** How many targets of each wave of a rollout are in each state, by wave id. */
	public Map<Long, Map<DeploymentState, Integer>> byWave(long rolloutId) {
		Map<Long, Map<DeploymentState, Integer>> counts = new HashMap<>();
		this.jdbc
			.sql("SELECT t.wave_id, t.state, t.n FROM wave_tally t JOIN wave w ON w.id = t.wave_id"
					+ " WHERE w.rollout_id = ?")
			.param(rolloutId)
			.query(rs -> {
				counts.computeIfAbsent(rs.getLong("wave_id"), key -> new EnumMap<>(DeploymentState.class))
					.put(DeploymentState.valueOf(rs.getString("state")), rs.getInt("n"));
			});
		return counts;
	}

	/**
	 * Sets a rollout's tallies to a count of its deployments; the caller holds the
	 * rollout's row lock. Answers whether any was wrong.
	 */
	public boolean recount(long rolloutId) {
		Map<Long, Map<DeploymentState, Integer>> before = byWave(rolloutId);
		this.jdbc.sql("""
				UPDATE wave_tally SET n = (SELECT COUNT(*) FROM deployment d
				  WHERE d.wave_id = wave_tally.wave_id AND d.state = wave_tally.state)
				WHERE wave_id IN (SELECT id FROM wave WHERE rollout_id = ?)""").param(rolloutId).update();
		return !before.equals(byWave(rolloutId));
	}

	/** Targets moved between states, summed per wave and state. */
	static final class Moves {

		private final Map<Cell, Integer> deltas = new HashMap<>();

		void add(long waveId, DeploymentState from, DeploymentState to) {
			if (from != to) {
				this.deltas.merge(new Cell(waveId, from), -1, Integer::sum);
				this.deltas.merge(new Cell(waveId, to), 1, Integer::sum);
			}
		}

	}

	private record Cell(long waveId, DeploymentState state) {

	}

}
