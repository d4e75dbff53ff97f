package dev.patchwave.orchestrator.rollout;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** What a rollout waits for behind each of its connectors, counted in the database. */
@Repository
class ConnectorLoads {

	private final JdbcClient jdbc;

	ConnectorLoads(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Per connector of a rollout: targets waiting to be resent after an infrastructure
	 * error, and targets still pending in a running wave behind one of the given
	 * connectors (those not up). With every connector up, only the targets in flight
	 * after an infrastructure error are read, not every pending or dispatched one.
	 */
	List<ConnectorLoad> of(long rolloutId, Set<String> notUp) {
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
	 * How many of a rollout's targets behind one connector wait for it, or are still to
	 * be dispatched.
	 */
	record ConnectorLoad(String connector, int waiting, int pending) {

	}

}
