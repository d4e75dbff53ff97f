package dev.patchwave.orchestrator.patch;

import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.patch.Advisory;
import dev.patchwave.common.patch.InstallSteps;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.patch.Version;
import dev.patchwave.common.target.LabelSelector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The patches Patchwave knows how to roll out, with the advisories each one closes. */
@Repository
public class PatchCatalog {

	private static final TypeReference<Map<Integer, ResultCause>> EXIT_CODES = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final JsonMapper json;

	public PatchCatalog(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	public List<CatalogEntry> list() {
		return load(null);
	}

	public Optional<CatalogEntry> find(String id) {
		return load(id).stream().findFirst();
	}

	private List<CatalogEntry> load(String id) {
		Map<String, List<Advisory>> advisories = new LinkedHashMap<>();
		this.jdbc
			.sql("SELECT patch_id, cve, cvss, summary FROM patch_advisory" + (id == null ? "" : " WHERE patch_id = :id")
					+ " ORDER BY cvss DESC, cve")
			.paramSource(id == null ? Map.of() : Map.of("id", id))
			.query(rs -> {
				advisories.computeIfAbsent(rs.getString("patch_id"), key -> new ArrayList<>())
					.add(new Advisory(rs.getString("cve"), rs.getDouble("cvss"), rs.getString("summary")));
			});
		Map<String, Map<String, InstallSteps>> steps = new HashMap<>();
		this.jdbc.sql("SELECT * FROM patch_steps" + (id == null ? "" : " WHERE patch_id = :id"))
			.paramSource(id == null ? Map.of() : Map.of("id", id))
			.query(rs -> {
				steps.computeIfAbsent(rs.getString("patch_id"), key -> new HashMap<>())
					.put(rs.getString("connector_type"),
							new InstallSteps(rs.getString("install"), rs.getString("verify"), rs.getString("rollback"),
									this.json.readValue(rs.getString("exit_codes"), EXIT_CODES)));
			});
		return this.jdbc
			.sql("SELECT * FROM patch" + (id == null ? "" : " WHERE id = :id") + " ORDER BY released DESC, id")
			.paramSource(id == null ? Map.of() : Map.of("id", id))
			.query((rs, row) -> new CatalogEntry(
					new Patch(rs.getString("id"), rs.getString("vendor"), rs.getString("product"),
							rs.getString("title"), rs.getString("platform"),
							Version.parse(rs.getString("fixed_version")), rs.getDate("released").toLocalDate(),
							advisories.getOrDefault(rs.getString("id"), List.of()),
							steps.getOrDefault(rs.getString("id"), Map.of())),
					LabelSelector.parse(rs.getString("applies_to"))))
			.list();
	}

	/** A patch and the selector that finds the hosts running the product it fixes. */
	public record CatalogEntry(Patch patch, LabelSelector appliesTo) {

	}

}
