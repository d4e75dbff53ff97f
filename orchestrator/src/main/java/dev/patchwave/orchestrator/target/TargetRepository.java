package dev.patchwave.orchestrator.target;

import dev.patchwave.common.patch.Version;
import dev.patchwave.common.target.LabelSelector;
import dev.patchwave.common.target.Target;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

	public TargetRepository(JdbcClient jdbc, JsonMapper json, Clock clock) {
		this.jdbc = jdbc;
		this.json = json;
		this.clock = clock;
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

	public long count() {
		return this.jdbc.sql("SELECT COUNT(*) FROM target").query(Long.class).single();
	}

	/**
	 * Inserts the specs whose names are new and replaces those whose names exist; returns
	 * how many were new.
	 */
	public int upsert(Collection<TargetSpec> specs) {
		int created = 0;
		Timestamp now = Timestamp.from(this.clock.instant());
		for (TargetSpec spec : specs) {
			String labels = this.json.writeValueAsString(spec.labels());
			int updated = this.jdbc.sql("""
					UPDATE target SET address = ?, labels = ?, connector = ?, installed_version = ?, updated_at = ?
					WHERE name = ?""")
				.params(spec.address(), labels, spec.connector(), spec.installedVersion(), now, spec.name())
				.update();
			if (updated == 0) {
				this.jdbc.sql("""
						INSERT INTO target (name, address, labels, connector, installed_version, updated_at)
						VALUES (?, ?, ?, ?, ?, ?)""")
					.params(spec.name(), spec.address(), labels, spec.connector(), spec.installedVersion(), now)
					.update();
				created++;
			}
		}
		return created;
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
