package dev.patchwave.orchestrator.target;

import dev.patchwave.common.patch.Version;
import dev.patchwave.common.target.LabelSelector;
import dev.patchwave.common.target.Target;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
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
 * The fleet's hosts. Labels are kept as a JSON object; selectors are evaluated on loaded
 * targets.
 */
@Repository
public class TargetRepository {

	private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
	};

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
		this.postgres = isPostgres(dataSource);
	}

	private static boolean isPostgres(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			return connection.getMetaData().getDatabaseProductName().equals("PostgreSQL");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot tell which database holds the targets", ex);
		}
	}

	public List<Target> all() {
		return this.jdbc.sql("SELECT * FROM target ORDER BY name").query(this::map).list();
	}

	public List<Target> matching(LabelSelector selector) {
		return all().stream().filter(target -> selector.matches(target.labels())).toList();
	}

	public Optional<Target> find(long id) {
		return this.jdbc.sql("SELECT * FROM target WHERE id = ?").param(id).query(this::map).optional();
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
	 * Inserts the specs whose names are new and replaces those whose names exist; returns
	 * how many were new. One statement per target that inserts or updates atomically, so
	 * concurrent requests registering the same new name both succeed, the later one
	 * replacing the earlier; targets are written in name order, so two batches never wait
	 * for each other's rows crosswise.
	 */
	public int upsert(Collection<TargetSpec> specs) {
		Timestamp now = Timestamp.from(this.clock.instant());
		List<TargetSpec> byName = specs.stream().sorted(Comparator.comparing(TargetSpec::name)).toList();
		int created = 0;
		for (TargetSpec spec : byName) {
			Object[] values = { spec.name(), spec.address(), this.json.writeValueAsString(spec.labels()),
					spec.connector(), spec.installedVersion(), now };
			if (this.postgres) {
				// xmax is 0 on a row version that an insert made, not an update
				created += this.jdbc.sql("""
						INSERT INTO target (name, address, labels, connector, installed_version, updated_at)
						VALUES (?, ?, ?, ?, ?, ?)
						ON CONFLICT (name) DO UPDATE SET address = EXCLUDED.address, labels = EXCLUDED.labels,
							connector = EXCLUDED.connector, installed_version = EXCLUDED.installed_version,
							updated_at = EXCLUDED.updated_at
						RETURNING (xmax = 0) AS inserted""").params(values).query(Boolean.class).single() ? 1 : 0;
			}
			else {
				boolean existed = this.jdbc.sql("SELECT COUNT(*) FROM target WHERE name = ?")
					.param(spec.name())
					.query(Long.class)
					.single() > 0;
				this.jdbc.sql("""
						MERGE INTO target t
						USING (VALUES (CAST(? AS VARCHAR(255)), CAST(? AS VARCHAR(255)), CAST(? AS VARCHAR(4000)),
							CAST(? AS VARCHAR(100)), CAST(? AS VARCHAR(64)), CAST(? AS TIMESTAMP WITH TIME ZONE)))
							AS s (name, address, labels, connector, installed_version, updated_at)
						ON t.name = s.name
						WHEN MATCHED THEN UPDATE SET address = s.address, labels = s.labels, connector = s.connector,
							installed_version = s.installed_version, updated_at = s.updated_at
						WHEN NOT MATCHED THEN INSERT (name, address, labels, connector, installed_version, updated_at)
							VALUES (s.name, s.address, s.labels, s.connector, s.installed_version, s.updated_at)""")
					.params(values)
					.update();
				created += existed ? 0 : 1;
			}
		}
		return created;
	}

	/** Records the versions targets run now, in one JDBC batch. */
	public void recordInstalledVersions(Map<Long, Version> versions) {
		Timestamp now = Timestamp.from(this.clock.instant());
		this.template.batchUpdate("UPDATE target SET installed_version = ?, updated_at = ? WHERE id = ?",
				List.copyOf(versions.entrySet()), 500, (ps, entry) -> {
					ps.setString(1, entry.getValue().toString());
					ps.setTimestamp(2, now);
					ps.setLong(3, entry.getKey());
				});
	}

	public void recordInstalledVersion(long targetId, Version version) {
		this.jdbc.sql("UPDATE target SET installed_version = ?, updated_at = ? WHERE id = ?")
			.params(version.toString(), Timestamp.from(this.clock.instant()), targetId)
			.update();
	}

	private Target map(ResultSet rs, int row) throws SQLException {
		String installed = rs.getString("installed_version");
		return new Target(rs.getLong("id"), rs.getString("name"), rs.getString("address"),
				this.json.readValue(rs.getString("labels"), LABELS), rs.getString("connector"),
				installed == null ? null : Version.parse(installed));
	}

}
