package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.orchestrator.rollout.DeploymentStore.Settlement;
import dev.patchwave.orchestrator.Databases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Moves many deployments at once, the engine's hot path: a wave's free slots claimed, or
 * a batch of results settled. On PostgreSQL each batch is one statement over arrays,
 * answering the ids it moved; elsewhere a JDBC batch of one update per deployment. Either
 * way a deployment moves only from the state it was read in (and, when settled, under the
 * key it was sent with), and the waves' tallies move with it.
 */
@Repository
class DeploymentBatches {

	private final JdbcTemplate template;

	private final WaveTallies tallies;

	private final boolean postgres;

	DeploymentBatches(JdbcTemplate template, WaveTallies tallies, DataSource dataSource) {
		this.template = template;
		this.tallies = tallies;
		this.postgres = Databases.isPostgres(dataSource);
	}

	boolean[] markDispatched(List<DeploymentRow> deployments, List<String> keys, Timestamp at) {
		boolean[] moved = this.postgres ? moved(deployments, DeploymentRow::id, """
				UPDATE deployment d SET state = 'DISPATCHED', attempts = d.attempts + 1, idempotency_key = v.key,
				  dispatched_at = ?, retry_at = NULL, finished_at = NULL, connector_errors = 0
				FROM unnest(?::bigint[], ?::varchar[], ?::varchar[]) AS v (id, key, from_state)
				WHERE d.id = v.id AND d.state = v.from_state
				RETURNING d.id""", (connection, ps) -> {
			ps.setTimestamp(1, at);
			ps.setArray(2, Databases.column(connection, "bigint", deployments, DeploymentRow::id));
			ps.setArray(3, connection.createArrayOf("varchar", keys.toArray()));
			ps.setArray(4, Databases.column(connection, "varchar", deployments, row -> row.state().name()));
		}) : batched(this.template.batchUpdate("""
				UPDATE deployment SET state = ?, attempts = attempts + 1, idempotency_key = ?, dispatched_at = ?,
				  retry_at = NULL, finished_at = NULL, connector_errors = 0
				WHERE id = ? AND state = ?""", IntStream.range(0, deployments.size()).boxed().toList(), 500,
				(ps, i) -> {
					ps.setString(1, DeploymentState.DISPATCHED.name());
					ps.setString(2, keys.get(i));
					ps.setTimestamp(3, at);
					ps.setLong(4, deployments.get(i).id());
					ps.setString(5, deployments.get(i).state().name());
				}), deployments.size());
		WaveTallies.Moves moves = new WaveTallies.Moves();
		for (int i = 0; i < moved.length; i++) {
			if (moved[i]) {
				moves.add(deployments.get(i).waveId(), deployments.get(i).state(), DeploymentState.DISPATCHED);
			}
		}
		this.tallies.move(moves);
		return moved;
	}

	boolean[] settle(List<Settlement> settlements, Timestamp at) {
		boolean[] moved = this.postgres ? moved(settlements, Settlement::deploymentId, """
				UPDATE deployment d SET state = v.state, cause = v.cause, exit_code = v.exit_code, message = v.message,
				  installed_version = v.installed_version, finished_at = ?, retry_at = NULL
				FROM unnest(?::bigint[], ?::varchar[], ?::varchar[], ?::varchar[], ?::int[], ?::varchar[], ?::varchar[])
				  AS v (id, key, state, cause, exit_code, message, installed_version)
				WHERE d.id = v.id AND d.state = 'DISPATCHED' AND d.idempotency_key = v.key
				RETURNING d.id""", (connection, ps) -> {
			ps.setTimestamp(1, at);
			ps.setArray(2, Databases.column(connection, "bigint", settlements, Settlement::deploymentId));
			ps.setArray(3, Databases.column(connection, "varchar", settlements, Settlement::key));
			ps.setArray(4, Databases.column(connection, "varchar", settlements, s -> s.to().name()));
			ps.setArray(5, Databases.column(connection, "varchar", settlements, s -> s.cause().name()));
			ps.setArray(6, Databases.column(connection, "integer", settlements, Settlement::exitCode));
			ps.setArray(7,
					Databases.column(connection, "varchar", settlements, s -> DeploymentStore.truncate(s.message())));
			ps.setArray(8, Databases.column(connection, "varchar", settlements, Settlement::installedVersion));
		}) : batched(this.template.batchUpdate("""
				UPDATE deployment SET state = ?, cause = ?, exit_code = ?, message = ?, installed_version = ?,
				  finished_at = ?, retry_at = NULL
				WHERE id = ? AND state = ? AND idempotency_key = ?""", settlements, 500, (ps, settlement) -> {
			ps.setString(1, settlement.to().name());
			ps.setString(2, settlement.cause().name());
			ps.setObject(3, settlement.exitCode(), Types.INTEGER);
			ps.setString(4, DeploymentStore.truncate(settlement.message()));
			ps.setString(5, settlement.installedVersion());
			ps.setTimestamp(6, at);
			ps.setLong(7, settlement.deploymentId());
			ps.setString(8, DeploymentState.DISPATCHED.name());
			ps.setString(9, settlement.key());
		}), settlements.size());
		WaveTallies.Moves moves = new WaveTallies.Moves();
		for (int i = 0; i < moved.length; i++) {
			if (moved[i]) {
				moves.add(settlements.get(i).waveId(), DeploymentState.DISPATCHED, settlements.get(i).to());
			}
		}
		this.tallies.move(moves);
		return moved;
	}

	/**
	 * Runs one update over arrays and answers, per item, whether it moved; an id that
	 * comes twice moves once, with its first item.
	 */
	private <T> boolean[] moved(List<T> items, Function<T, Long> id, String sql, Binder binder) {
		// From its sixth run a prepared statement may get a generic plan, which cannot
		// see how many rows the arrays hold and joins them to every deployment in the
		// state asked: measured 400 ms a batch of 1,000 instead of 8. Each batch is
		// planned for its own arrays instead, for the rest of the transaction.
		this.template.execute("SET LOCAL plan_cache_mode = force_custom_plan");
		Set<Long> moved = new HashSet<>(this.template.query(connection -> {
			PreparedStatement ps = connection.prepareStatement(sql);
			binder.bind(connection, ps);
			return ps;
		}, (rs, row) -> rs.getLong(1)));
		boolean[] result = new boolean[items.size()];
		for (int i = 0; i < result.length; i++) {
			result[i] = moved.remove(id.apply(items.get(i)));
		}
		return result;
	}

	private static boolean[] batched(int[][] counts, int size) {
		boolean[] updated = new boolean[size];
		int i = 0;
		for (int[] batch : counts) {
			for (int count : batch) {
				// a driver may answer "success, count unknown" for a batched statement
				updated[i++] = count == 1 || count == Statement.SUCCESS_NO_INFO;
			}
		}
		return updated;
	}

	@FunctionalInterface
	private interface Binder {

		void bind(Connection connection, PreparedStatement ps) throws SQLException;

	}

}
