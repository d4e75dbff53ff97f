package dev.patchwave.orchestrator.event;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The append-only journal of everything that happened to rollouts, with its actor. */
@Repository
public class EventJournal {

	/** The actor the engine records for decisions it takes by itself. */
	public static final String ENGINE = "engine";

	private static final int MESSAGE_LIMIT = 2000;

	private static final String SELECT = """
			SELECT id, rollout_id, occurred_at, actor, type, wave_position, target_name, message
			FROM rollout_event""";

	private final JdbcClient jdbc;

	private final Clock clock;

	public EventJournal(JdbcClient jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	public void append(long rolloutId, String actor, String type, Integer wave, String target, String message) {
		this.jdbc.sql("""
				INSERT INTO rollout_event (rollout_id, occurred_at, actor, type, wave_position, target_name, message)
				VALUES (?, ?, ?, ?, ?, ?, ?)""")
			.params(rolloutId, Timestamp.from(this.clock.instant()), actor, type, wave, target, truncate(message))
			.update();
	}

	public void append(long rolloutId, String actor, String type, String message) {
		append(rolloutId, actor, type, null, null, message);
	}

	/** Events of a rollout, oldest first, after the given id (0 for all). */
	public List<RolloutEvent> list(long rolloutId, long afterId, int limit) {
		return this.jdbc.sql(SELECT + " WHERE rollout_id = ? AND id > ? ORDER BY id LIMIT ?")
			.params(rolloutId, afterId, limit)
			.query(EventJournal::map)
			.list();
	}

	/** The newest events of a rollout, newest first. */
	public List<RolloutEvent> latest(long rolloutId, int limit) {
		return this.jdbc.sql(SELECT + " WHERE rollout_id = ? ORDER BY id DESC LIMIT ?")
			.params(rolloutId, limit)
			.query(EventJournal::map)
			.list();
	}

	private static RolloutEvent map(ResultSet rs, int row) throws SQLException {
		return new RolloutEvent(rs.getLong("id"), rs.getLong("rollout_id"), rs.getTimestamp("occurred_at").toInstant(),
				rs.getString("actor"), rs.getString("type"), rs.getObject("wave_position", Integer.class),
				rs.getString("target_name"), rs.getString("message"));
	}

	private static String truncate(String message) {
		return message.length() <= MESSAGE_LIMIT ? message : message.substring(0, MESSAGE_LIMIT - 1) + "…";
	}

}
