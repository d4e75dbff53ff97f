package dev.patchwave.orchestrator.event;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

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

	private final JdbcTemplate template;

	public EventJournal(JdbcClient jdbc, JdbcTemplate template, Clock clock) {
		this.jdbc = jdbc;
		this.template = template;
		this.clock = clock;
	}

	/**
	 * Appends an event. Inside a transaction, events wait and go in one JDBC batch just
	 * before the commit, in the order appended: a batch of results costs one round trip
	 * for its journal, not one per target. Outside one, the event is written at once.
	 */
	public void append(long rolloutId, String actor, String type, Integer wave, String target, String message) {
		Pending event = new Pending(rolloutId, Timestamp.from(this.clock.instant()), actor, type, wave, target,
				truncate(message));
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			insert(List.of(event));
			return;
		}
		@SuppressWarnings("unchecked")
		List<Pending> pending = (List<Pending>) TransactionSynchronizationManager.getResource(this);
		if (pending == null) {
			List<Pending> batch = new ArrayList<>();
			TransactionSynchronizationManager.bindResource(this, batch);
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void beforeCommit(boolean readOnly) {
					insert(batch);
				}

				@Override
				public void afterCompletion(int status) {
					TransactionSynchronizationManager.unbindResourceIfPossible(EventJournal.this);
				}
			});
			pending = batch;
		}
		pending.add(event);
	}

	private void insert(List<Pending> events) {
		this.template.batchUpdate("""
				INSERT INTO rollout_event (rollout_id, occurred_at, actor, type, wave_position, target_name, message)
				VALUES (?, ?, ?, ?, ?, ?, ?)""", events, 500, (ps, event) -> {
			ps.setLong(1, event.rolloutId());
			ps.setTimestamp(2, event.at());
			ps.setString(3, event.actor());
			ps.setString(4, event.type());
			ps.setObject(5, event.wave(), Types.INTEGER);
			ps.setString(6, event.target());
			ps.setString(7, event.message());
		});
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

	/** An event not yet written. */
	private record Pending(long rolloutId, Timestamp at, String actor, String type, Integer wave, String target,
			String message) {

	}

	private static String truncate(String message) {
		return message.length() <= MESSAGE_LIMIT ? message : message.substring(0, MESSAGE_LIMIT - 1) + "…";
	}

}
