package dev.patchwave.orchestrator.target;

import dev.patchwave.common.patch.Version;
import dev.patchwave.common.target.LabelSelector;
import dev.patchwave.common.target.Target;
import dev.patchwave.orchestrator.InputLimits;
import dev.patchwave.orchestrator.Page;
import dev.patchwave.orchestrator.Databases;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fleet's hosts. Labels are kept twice, written together: as a JSON object in the
 * target's row, read with the target, and as target_label rows, which label selectors
 * query.
 */
@Repository
public class TargetRepository {

	private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
	};

	/** Targets written per statement: a request's worth. */
	private static final int CHUNK = InputLimits.TARGETS_PER_REQUEST;

	private final JdbcClient jdbc;

	private final JsonMapper json;

	private final Clock clock;

	/** Upserts are written in each database's own words: PostgreSQL's or H2's. */
	private final boolean postgres;

	private final JdbcTemplate template;

	public TargetRepository(JdbcClient jdbc, JdbcTemplate template, JsonMapper json, Clock clock,
			DataSource dataSource) {
		this.jdbc = jdbc;
		this.template = template;
		this.json = json;
		this.clock = clock;
		this.postgres = Databases.isPostgres(dataSource);
	}

	public List<Target> all() {
		return this.jdbc.sql("SELECT * FROM target ORDER BY name").query(this::map).list();
	}

	/** The targets the selector matches, by name, selected in the database. */
	public List<Target> matching(LabelSelector selector) {
		SelectorCondition where = SelectorCondition.of(selector);
		return this.jdbc.sql("SELECT * FROM target t WHERE " + where.sql() + " ORDER BY t.name")
			.params(where.params())
			.query(this::map)
			.list();
	}

	/**
	 * Has PostgreSQL look at the targets and labels again after many were written: until
	 * its statistics know a fleet of 100,000, it plans selectors as if the tables were
	 * nearly empty.
	 */
	public void refreshStatistics() {
		if (this.postgres) {
			this.jdbc.sql("ANALYZE target").update();
			this.jdbc.sql("ANALYZE target_label").update();
		}
	}

	/**
	 * How many of the targets the selector matches run each installed version (null:
	 * unknown), counted in the database: a fleet's exposure without reading its hosts.
	 */
	public Map<String, Long> versionsMatching(LabelSelector selector) {
		SelectorCondition where = SelectorCondition.of(selector);
		Map<String, Long> versions = new HashMap<>();
		this.jdbc
			.sql("SELECT t.installed_version, COUNT(*) AS n FROM target t WHERE " + where.sql()
					+ " GROUP BY t.installed_version")
			.params(where.params())
			.query(rs -> {
				versions.put(rs.getString("installed_version"), rs.getLong("n"));
			});
		return versions;
	}

	/**
	 * One page of the targets the selector (null: any) matches, by name, with how many
	 * match in all.
	 */
	public Page<Target> page(LabelSelector selector, int page, int size) {
		SelectorCondition where = SelectorCondition.of(selector);
		List<Object> params = new ArrayList<>(where.params());
		params.add(size);
		params.add((long) page * size);
		List<Target> items = this.jdbc
			.sql("SELECT * FROM target t WHERE " + where.sql() + " ORDER BY t.name LIMIT ? OFFSET ?")
			.params(params)
			.query(this::map)
			.list();
		long total = this.jdbc.sql("SELECT COUNT(*) FROM target t WHERE " + where.sql())
			.params(where.params())
			.query(Long.class)
			.single();
		return new Page<>(items, page, size, total);
	}

	public Optional<Target> find(long id) {
		return this.jdbc.sql("SELECT * FROM target WHERE id = ?").param(id).query(this::map).optional();
	}

	/**
	 * A rollout's deployments still to do or under way, in plan order, each with its
	 * target, in one query: what a rollout's projection reads, without the hosts it is
	 * done with; with the targets' labels only if {@code withLabels}, else with none.
	 */
	public List<OpenDeployment> openInRollout(long rolloutId, boolean withLabels) {
		return this.jdbc.sql("""
				SELECT d.id AS deployment_id, w.position, d.state, d.dispatched_at,
				       t.id, t.name, t.address, t.connector, t.installed_version%s
				FROM deployment d JOIN wave w ON w.id = d.wave_id JOIN target t ON t.id = d.target_id
				WHERE d.rollout_id = ? AND d.state IN ('PENDING', 'DISPATCHED')
				ORDER BY d.id""".formatted(withLabels ? ", t.labels" : "")).param(rolloutId).query((rs, row) -> {
			Timestamp dispatchedAt = rs.getTimestamp("dispatched_at");
			return new OpenDeployment(rs.getLong("deployment_id"), rs.getInt("position"),
					"DISPATCHED".equals(rs.getString("state")), dispatchedAt == null ? null : dispatchedAt.toInstant(),
					withLabels ? map(rs, row) : map(rs, Map.of()));
		}).list();
	}

	/**
	 * A deployment still to do, or under way since {@code dispatchedAt}, in the wave at
	 * {@code wave}, and its target.
	 */
	public record OpenDeployment(long id, int wave, boolean dispatched, Instant dispatchedAt, Target target) {

	}

	/** The targets with these ids, by id, in one query. */
	public Map<Long, Target> findAll(Collection<Long> ids) {
		if (ids.isEmpty()) {
			return Map.of();
		}
		Map<Long, Target> found = new HashMap<>();
		this.jdbc.sql("SELECT * FROM target WHERE id IN (:ids)")
			.param("ids", List.copyOf(ids))
			.query(this::map)
			.list()
			.forEach(target -> found.put(target.id(), target));
		return found;
	}

	public long count() {
		return this.jdbc.sql("SELECT COUNT(*) FROM target").query(Long.class).single();
	}

	/**
	 * Inserts the specs whose names are new and replaces those whose names exist, with
	 * their label rows; returns how many were new. A few set-based statements per
	 * {@value #CHUNK} targets, each taking the specs as arrays. On PostgreSQL one INSERT
	 * ... ON CONFLICT inserts or updates each row atomically, so concurrent requests
	 * registering the same new name both succeed, the later one replacing the earlier;
	 * rows are written in name order, so two requests never wait for each other's rows
	 * crosswise. The target row, locked by that write until commit, also orders writers
	 * of its label rows.
	 */
	public int upsert(Collection<TargetSpec> specs) {
		Timestamp now = Timestamp.from(this.clock.instant());
		List<TargetSpec> byName = specs.stream().sorted(Comparator.comparing(TargetSpec::name)).toList();
		int created = 0;
		for (int from = 0; from < byName.size(); from += CHUNK) {
			List<TargetSpec> chunk = byName.subList(from, Math.min(from + CHUNK, byName.size()));
			Map<String, Long> ids = new HashMap<>();
			created += this.postgres ? upsertOnPostgres(chunk, now, ids) : mergeOnH2(chunk, now, ids);
			replaceLabels(chunk, ids);
		}
		return created;
	}

	/** Returns how many were new; puts each target's id into {@code ids} by name. */
	private int upsertOnPostgres(List<TargetSpec> chunk, Timestamp now, Map<String, Long> ids) {
		int[] created = { 0 };
		this.jdbc
			.sql("""
					INSERT INTO target (name, address, labels, connector, installed_version, updated_at)
					SELECT s.name, s.address, s.labels, s.connector, s.installed_version, CAST(? AS TIMESTAMP WITH TIME ZONE)
					FROM UNNEST(CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY),
						CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY))
						AS s (name, address, labels, connector, installed_version)
					ORDER BY s.name
					ON CONFLICT (name) DO UPDATE SET address = EXCLUDED.address, labels = EXCLUDED.labels,
						connector = EXCLUDED.connector, installed_version = EXCLUDED.installed_version,
						updated_at = EXCLUDED.updated_at
					RETURNING id, name, (xmax = 0) AS inserted""")
			.params(columns(chunk, now))
			.query(rs -> {
				// xmax is 0 on a row version that an insert made, not an update
				ids.put(rs.getString("name"), rs.getLong("id"));
				created[0] += rs.getBoolean("inserted") ? 1 : 0;
			});
		return created[0];
	}

	/**
	 * The demo's H2 has no ON CONFLICT: names already there are counted before one MERGE
	 * writes the chunk. Not safe against a concurrent upsert of the same new name, which
	 * the single-node demo does not make.
	 */
	private int mergeOnH2(List<TargetSpec> chunk, Timestamp now, Map<String, Long> ids) {
		Object[] names = chunk.stream().map(TargetSpec::name).toArray(String[]::new);
		long existing = this.jdbc.sql("SELECT COUNT(*) FROM target WHERE name = ANY(CAST(? AS VARCHAR ARRAY))")
			.param(names)
			.query(Long.class)
			.single();
		this.jdbc
			.sql("""
					MERGE INTO target t
					USING (SELECT CAST(? AS TIMESTAMP WITH TIME ZONE) AS updated_at, s.* FROM UNNEST(CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY),
						CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY))
						AS s (name, address, labels, connector, installed_version)) AS s
					ON t.name = s.name
					WHEN MATCHED THEN UPDATE SET address = s.address, labels = s.labels, connector = s.connector,
						installed_version = s.installed_version, updated_at = s.updated_at
					WHEN NOT MATCHED THEN INSERT (name, address, labels, connector, installed_version, updated_at)
						VALUES (s.name, s.address, s.labels, s.connector, s.installed_version, s.updated_at)""")
			.params(columns(chunk, now))
			.update();
		this.jdbc.sql("SELECT id, name FROM target WHERE name = ANY(CAST(? AS VARCHAR ARRAY))")
			.param(names)
			.query(rs -> {
				ids.put(rs.getString("name"), rs.getLong("id"));
			});
		return chunk.size() - (int) existing;
	}

	/** The update time, then the specs' columns as arrays, as both upserts take them. */
	private Object[] columns(List<TargetSpec> chunk, Timestamp now) {
		return new Object[] { now, chunk.stream().map(TargetSpec::name).toArray(String[]::new),
				chunk.stream().map(TargetSpec::address).toArray(String[]::new),
				chunk.stream().map(spec -> this.json.writeValueAsString(labels(spec))).toArray(String[]::new),
				chunk.stream().map(TargetSpec::connector).toArray(String[]::new),
				chunk.stream().map(TargetSpec::installedVersion).toArray(String[]::new) };
	}

	/** Writes the label rows of the targets just upserted in place of those they had. */
	private void replaceLabels(List<TargetSpec> chunk, Map<String, Long> ids) {
		this.jdbc.sql("DELETE FROM target_label WHERE target_id = ANY(CAST(? AS BIGINT ARRAY))")
			.param(ids.values().toArray(Long[]::new))
			.update();
		List<Long> targetIds = new ArrayList<>();
		List<String> keys = new ArrayList<>();
		List<String> values = new ArrayList<>();
		for (TargetSpec spec : chunk) {
			labels(spec).forEach((key, value) -> {
				targetIds.add(ids.get(spec.name()));
				keys.add(key);
				values.add(value);
			});
		}
		this.jdbc.sql("""
				INSERT INTO target_label (target_id, label_key, label_value)
				SELECT * FROM UNNEST(CAST(? AS BIGINT ARRAY), CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY))""")
			.params(targetIds.toArray(Long[]::new), keys.toArray(String[]::new), values.toArray(String[]::new))
			.update();
	}

	private static Map<String, String> labels(TargetSpec spec) {
		return spec.labels() == null ? Map.of() : spec.labels();
	}

	/** Records the versions targets run now, in one statement. */
	public void recordInstalledVersions(Map<Long, Version> versions) {
		if (versions.isEmpty()) {
			return;
		}
		List<Map.Entry<Long, Version>> entries = List.copyOf(versions.entrySet());
		// one statement for the whole batch, the versions as arrays, in both databases
		this.jdbc.sql("""
				MERGE INTO target t
				USING (SELECT * FROM UNNEST(CAST(? AS BIGINT ARRAY), CAST(? AS VARCHAR ARRAY)) AS u (id, version)) v
				ON t.id = v.id
				WHEN MATCHED THEN UPDATE SET installed_version = v.version, updated_at = ?""")
			.params(entries.stream().map(Map.Entry::getKey).toArray(Long[]::new),
					entries.stream().map(entry -> entry.getValue().toString()).toArray(String[]::new),
					Timestamp.from(this.clock.instant()))
			.update();
	}

	public void recordInstalledVersion(long targetId, Version version) {
		this.jdbc.sql("UPDATE target SET installed_version = ?, updated_at = ? WHERE id = ?")
			.params(version.toString(), Timestamp.from(this.clock.instant()), targetId)
			.update();
	}

	private Target map(ResultSet rs, int row) throws SQLException {
		return map(rs, this.json.readValue(rs.getString("labels"), LABELS));
	}

	private static Target map(ResultSet rs, Map<String, String> labels) throws SQLException {
		String installed = rs.getString("installed_version");
		return new Target(rs.getLong("id"), rs.getString("name"), rs.getString("address"), labels,
				rs.getString("connector"), installed == null ? null : Version.parse(installed));
	}

}
