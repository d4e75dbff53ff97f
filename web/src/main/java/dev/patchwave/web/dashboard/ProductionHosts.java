package dev.patchwave.web.dashboard;

import dev.patchwave.common.target.LabelSelector;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * How many of a rollout's hosts serve production, so that starting it asks first. Read
 * from the hosts' labels, not the rollout's selector: {@code app=apex-central} selects
 * production hosts without saying so.
 */
@Repository
class ProductionHosts {

	private static final LabelSelector PRODUCTION = LabelSelector.parse(RolloutAction.PRODUCTION);

	private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final JsonMapper json;

	ProductionHosts(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	long in(long rolloutId) {
		return this.jdbc
			.sql("SELECT t.labels FROM deployment d JOIN target t ON t.id = d.target_id WHERE d.rollout_id = ?")
			.param(rolloutId)
			.query(String.class)
			.list()
			.stream()
			.filter(labels -> PRODUCTION.matches(this.json.readValue(labels, LABELS)))
			.count();
	}

}
