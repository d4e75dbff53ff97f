package dev.patchwave.orchestrator.patch;

import dev.patchwave.common.patch.Advisory;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.patch.Version;
import dev.patchwave.common.target.LabelSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The patches Patchwave knows how to roll out, with the advisories each one closes. */
@Repository
public class PatchCatalog {

	private final JdbcClient jdbc;

	public PatchCatalog(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public List<CatalogEntry> list() {
		return load(null);
	}

	public Optional<CatalogEntry> find(String id) {
		return load(id).stream().findFirst();
	}

	private List<CatalogEntry> load(String id) {
		Map<String, List<Advisory>> advisories = new LinkedHashMap<>();
		this.jdbc.sql("SELECT patch_id, cve, cvss, summary FROM patch_advisory"
				+ (id == null ? "" : " WHERE patch_id = :id") + " ORDER BY cvss DESC, cve")
			.paramSource(id == null ? Map.of() : Map.of("id", id))
			.query(rs -> {
				advisories.computeIfAbsent(rs.getString("patch_id"), key -> new ArrayList<>())
					.add(new Advisory(rs.getString("cve"), rs.getDouble("cvss"), rs.getString("summary")));
			});
		return this.jdbc
			.sql("SELECT * FROM patch" + (id == null ? "" : " WHERE id = :id") + " ORDER BY released DESC, id")
			.paramSource(id == null ? Map.of() : Map.of("id", id))
			.query((rs, row) -> new CatalogEntry(
					new Patch(rs.getString("id"), rs.getString("vendor"), rs.getString("product"), rs.getString("title"),
							rs.getString("platform"), Version.parse(rs.getString("fixed_version")),
							rs.getDate("released").toLocalDate(),
							advisories.getOrDefault(rs.getString("id"), List.of())),
					LabelSelector.parse(rs.getString("applies_to"))))
			.list();
	}

	/** A patch and the selector that finds the hosts running the product it fixes. */
	public record CatalogEntry(Patch patch, LabelSelector appliesTo) {

	}

}
