package dev.patchwave.orchestrator.window;

import dev.patchwave.common.target.LabelSelector;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Windows and blackouts as stored, and which rollouts use which windows. */
@Repository
class WindowStore {

	private final JdbcClient jdbc;

	WindowStore(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	List<MaintenanceWindow> all() {
		return this.jdbc.sql("SELECT * FROM maintenance_window ORDER BY name").query(WindowStore::map).list();
	}

	Optional<MaintenanceWindow> find(String name) {
		return this.jdbc.sql("SELECT * FROM maintenance_window WHERE name = ?")
			.param(name)
			.query(WindowStore::map)
			.optional();
	}

	long insert(MaintenanceWindow window, String actor, Instant at) {
		GeneratedKeyHolder key = new GeneratedKeyHolder();
		this.jdbc.sql("""
				INSERT INTO maintenance_window (name, kind, cron, starts_at, duration_seconds, time_zone, selector,
				  updated_by, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
			.params(window.name(), window.kind().name(), window.cron(), timestamp(window.startsAt()),
					window.duration().toSeconds(), window.timeZone().getId(),
					window.selector() == null ? null : window.selector().toString(), actor, timestamp(at))
			.update(key, "id");
		return key.getKey().longValue();
	}

	void update(MaintenanceWindow window, String actor, Instant at) {
		this.jdbc.sql("""
				UPDATE maintenance_window SET kind = ?, cron = ?, starts_at = ?, duration_seconds = ?, time_zone = ?,
				  selector = ?, updated_by = ?, updated_at = ?
				WHERE id = ?""")
			.params(window.kind().name(), window.cron(), timestamp(window.startsAt()), window.duration().toSeconds(),
					window.timeZone().getId(), window.selector() == null ? null : window.selector().toString(), actor,
					timestamp(at), window.id())
			.update();
	}

	@Transactional
	void delete(long id) {
		this.jdbc.sql("DELETE FROM rollout_window WHERE window_id = ?").param(id).update();
		this.jdbc.sql("DELETE FROM maintenance_window WHERE id = ?").param(id).update();
	}

	void attach(long rolloutId, List<Long> windowIds) {
		for (long windowId : windowIds) {
			this.jdbc.sql("INSERT INTO rollout_window (rollout_id, window_id) VALUES (?, ?)")
				.params(rolloutId, windowId)
				.update();
		}
	}

	List<Long> attached(long rolloutId) {
		return this.jdbc.sql("SELECT window_id FROM rollout_window WHERE rollout_id = ? ORDER BY window_id")
			.param(rolloutId)
			.query(Long.class)
			.list();
	}

	/**
	 * The rollouts not finally over (a completed one may still retry) that a window is
	 * attached to, described.
	 */
	List<String> activeUsers(long windowId) {
		return this.jdbc.sql("""
				SELECT r.id, r.name FROM rollout_window rw JOIN rollout r ON r.id = rw.rollout_id
				WHERE rw.window_id = ? AND r.state NOT IN ('SUCCEEDED', 'ABORTED', 'ROLLED_BACK') ORDER BY r.id""")
			.param(windowId)
			.query((rs, row) -> "rollout %d '%s'".formatted(rs.getLong("id"), rs.getString("name")))
			.list();
	}

	private static MaintenanceWindow map(ResultSet rs, int row) throws SQLException {
		Timestamp startsAt = rs.getTimestamp("starts_at");
		String selector = rs.getString("selector");
		return new MaintenanceWindow(rs.getLong("id"), rs.getString("name"), WindowKind.valueOf(rs.getString("kind")),
				rs.getString("cron"), startsAt == null ? null : startsAt.toInstant(),
				Duration.ofSeconds(rs.getLong("duration_seconds")), ZoneId.of(rs.getString("time_zone")),
				selector == null ? null : LabelSelector.parse(selector));
	}

	private static Timestamp timestamp(Instant instant) {
		return instant == null ? null : Timestamp.from(instant);
	}

}
