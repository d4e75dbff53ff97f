package dev.patchwave.orchestrator.rollout;

import dev.patchwave.orchestrator.plan.PlanningProperties.Deadline;
import java.sql.Timestamp;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** A rollout's deadline, kept beside the rollout's other columns. */
@Repository
class RolloutDeadlines {

	private final JdbcClient jdbc;

	RolloutDeadlines(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void set(long rolloutId, Deadline deadline) {
		this.jdbc.sql("UPDATE rollout SET deadline = ?, deadline_reason = ? WHERE id = ?")
			.params(Timestamp.from(deadline.at()), deadline.reason(), rolloutId)
			.update();
	}

	Optional<Deadline> get(long rolloutId) {
		return this.jdbc.sql("SELECT deadline, deadline_reason FROM rollout WHERE id = ? AND deadline IS NOT NULL")
			.param(rolloutId)
			.query((rs, row) -> new Deadline(rs.getTimestamp("deadline").toInstant(), rs.getString("deadline_reason")))
			.optional();
	}

}
