package dev.patchwave.web.dashboard;

import dev.patchwave.orchestrator.Page;
import dev.patchwave.orchestrator.event.RolloutEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * A rollout's journal as the page reads it: newest first, a page at a time, narrowed to
 * one kind of event or to a word found in the actor, target or message. The engine's
 * journal only lists forward from an id, which suits clients that follow it, not people
 * who look back.
 */
@Repository
class Timeline {

	static final int PAGE_SIZE = 25;

	private final JdbcClient jdbc;

	Timeline(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	Page<RolloutEvent> page(long rolloutId, Filter filter, int page) {
		Map<String, Object> params = new LinkedHashMap<>();
		String where = where(rolloutId, filter, params);
		List<RolloutEvent> events = this.jdbc
			.sql("SELECT id, rollout_id, occurred_at, actor, type, wave_position, target_name, message"
					+ " FROM rollout_event" + where + " ORDER BY id DESC LIMIT :limit OFFSET :offset")
			.params(params)
			.param("limit", PAGE_SIZE)
			.param("offset", (long) page * PAGE_SIZE)
			.query(Timeline::map)
			.list();
		long total = this.jdbc.sql("SELECT COUNT(*) FROM rollout_event" + where)
			.params(params)
			.query(Long.class)
			.single();
		return new Page<>(events, page, PAGE_SIZE, total);
	}

	/** The kinds of event this rollout has had, for the filter's choices. */
	List<String> types(long rolloutId) {
		return this.jdbc.sql("SELECT DISTINCT type FROM rollout_event WHERE rollout_id = ? ORDER BY type")
			.param(rolloutId)
			.query(String.class)
			.list();
	}

	private static String where(long rolloutId, Filter filter, Map<String, Object> params) {
		StringBuilder where = new StringBuilder(" WHERE rollout_id = :rollout");
		params.put("rollout", rolloutId);
		if (filter.type() != null) {
			where.append(" AND type = :type");
			params.put("type", filter.type());
		}
		if (filter.text() != null) {
			where.append(" AND (LOWER(actor) LIKE :text ESCAPE '\\' OR LOWER(COALESCE(target_name, '')) LIKE :text"
					+ " ESCAPE '\\' OR LOWER(message) LIKE :text ESCAPE '\\')");
			params.put("text", "%" + likeEscaped(filter.text().toLowerCase(Locale.ROOT)) + "%");
		}
		return where.toString();
	}

	// a search for "50%" or "a_b" means those characters, not LIKE's wildcards
	private static String likeEscaped(String text) {
		return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
	}

	private static RolloutEvent map(ResultSet rs, int row) throws SQLException {
		return new RolloutEvent(rs.getLong("id"), rs.getLong("rollout_id"), rs.getTimestamp("occurred_at").toInstant(),
				rs.getString("actor"), rs.getString("type"), rs.getObject("wave_position", Integer.class),
				rs.getString("target_name"), rs.getString("message"));
	}

	/** What the timeline is narrowed to; blank means no narrowing. */
	record Filter(String type, String text) {

		Filter {
			type = (type == null || type.isBlank()) ? null : type.strip();
			text = (text == null || text.isBlank()) ? null : text.strip();
		}

		public boolean isEmpty() {
			return this.type == null && this.text == null;
		}

	}

}
