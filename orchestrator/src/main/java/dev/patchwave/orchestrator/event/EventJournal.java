package dev.patchwave.orchestrator.event;

import dev.patchwave.orchestrator.Databases;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
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

	private static final String INSERT_ARRAYS = """
			INSERT INTO rollout_event (rollout_id, occurred_at, actor, type, wave_position, target_name, message)
			SELECT rollout_id, occurred_at, actor, type, wave_position, target_name, message
			FROM unnest(?::bigint[], ?::timestamptz[], ?::varchar[], ?::varchar[], ?::int[], ?::varchar[], ?::varchar[])
			     WITH ORDINALITY AS e (rollout_id, occurred_at, actor, type, wave_position, target_name, message, n)
			ORDER BY n""";

	private final JdbcClient jdbc;

	private final Clock clock;

	private final JdbcTemplate template;

	/** On PostgreSQL a batch of events is one statement over arrays. */
	private final boolean postgres;

	public EventJournal(JdbcClient jdbc, JdbcTemplate template, Clock clock, DataSource dataSource) {
		this.jdbc = jdbc;
		this.template = template;
		this.clock = clock;
		this.postgres = Databases.isPostgres(dataSource);
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
		if (this.postgres) {
			insertOnPostgres(events);
			return;
		}
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

	/**
	 * One statement for the whole batch: as multi-row inserts of 128 rows, the journal of
	 * 10,000 results took PostgreSQL a second, more than the results themselves, most of
	 * it parsing and binding statements of 900 parameters. Rows keep the order appended;
	 * times go as ISO-8601 instants, which PostgreSQL reads alike in any time zone.
	 */
	private void insertOnPostgres(List<Pending> events) {
		this.template.update(connection -> {
			PreparedStatement ps = connection.prepareStatement(INSERT_ARRAYS);
			ps.setArray(1, Databases.column(connection, "bigint", events, Pending::rolloutId));
			ps.setArray(2, Databases.column(connection, "varchar", events, event -> event.at().toInstant().toString()));
			ps.setArray(3, Databases.column(connection, "varchar", events, Pending::actor));
			ps.setArray(4, Databases.column(connection, "varchar", events, Pending::type));
			ps.setArray(5, Databases.column(connection, "integer", events, Pending::wave));
			ps.setArray(6, Databases.column(connection, "varchar", events, Pending::target));
			ps.setArray(7, Databases.column(connection, "varchar", events, Pending::message));
			return ps;
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
