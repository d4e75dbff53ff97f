package dev.patchwave.orchestrator.rollout;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import org.springframework.dao.OptimisticLockingFailureException;

/**
 * What {@link RolloutStore} and {@link DeploymentStore} share in writing and reading
 * rows.
 */
final class Rows {

	private Rows() {
	}

	/**
	 * A guarded update names the state its row leaves, so two writers can never both move
	 * the same row: the loser sees zero rows and backs off, here by failing.
	 */
	static void requireOne(int updated, String kind, long id, Enum<?> from) {
		if (updated != 1) {
			throw new OptimisticLockingFailureException(
					"%s %d was no longer %s: another writer changed it first".formatted(kind, id, from));
		}
	}

	static Timestamp timestamp(Instant instant) {
		return instant == null ? null : Timestamp.from(instant);
	}

	static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp value = rs.getTimestamp(column);
		return value == null ? null : value.toInstant();
	}

}
