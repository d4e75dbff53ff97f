package dev.patchwave.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwave.orchestrator.testsupport.PostgresTest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Input within the declared bounds always fits the columns it is stored in: the bounds
 * are checked against the schema the migrations made, so a migration that narrows a
 * column or a bound that grows fails here, not as a 500 in production.
 */
@SpringBootTest
@PostgresTest
class InputLimitsTest {

	@Autowired
	JdbcClient jdbc;

	@Autowired
	JsonMapper json;

	@Test
	void everyBoundFitsItsColumn() {
		assertThat(InputLimits.TARGET_NAME).isLessThanOrEqualTo(column("target", "name"));
		assertThat(InputLimits.TARGET_ADDRESS).isLessThanOrEqualTo(column("target", "address"));
		assertThat(InputLimits.LABELS_COLUMN).isEqualTo(column("target", "labels"));
		assertThat(InputLimits.VERSION).isLessThanOrEqualTo(column("target", "installed_version"));
		assertThat(InputLimits.CONNECTOR_NAME).isLessThanOrEqualTo(column("connector_instance", "name"))
			.isLessThanOrEqualTo(column("target", "connector"));
		assertThat(InputLimits.CONNECTOR_TYPE).isLessThanOrEqualTo(column("connector_instance", "type"));
		assertThat(InputLimits.SETTINGS_COLUMN).isEqualTo(column("connector_instance", "settings"));
		assertThat(InputLimits.ROLLOUT_NAME).isLessThanOrEqualTo(column("rollout", "name"));
		assertThat(InputLimits.PATCH_ID).isLessThanOrEqualTo(column("rollout", "patch_id"));
		assertThat(InputLimits.SELECTOR).isLessThanOrEqualTo(column("rollout", "selector"));
		assertThat(InputLimits.WAVE_NAME).isLessThanOrEqualTo(column("wave", "name"));
		assertThat(InputLimits.WAVE_SPEC).isLessThanOrEqualTo(column("wave", "size_spec"))
			.isLessThanOrEqualTo(column("wave", "failure_threshold"));
		assertThat(InputLimits.WINDOW_NAME).isLessThanOrEqualTo(column("maintenance_window", "name"));
		assertThat(InputLimits.CRON).isLessThanOrEqualTo(column("maintenance_window", "cron"));
		assertThat(InputLimits.TIME_ZONE).isLessThanOrEqualTo(column("maintenance_window", "time_zone"));
	}

	@Test
	void theMostLabelsOfTheLongestKeysAndValuesFitTheLabelsColumn() {
		Map<String, String> labels = new LinkedHashMap<>();
		for (int i = 0; i < InputLimits.LABELS; i++) {
			String key = "%02d".formatted(i) + "k".repeat(InputLimits.LABEL_PART - 2);
			labels.put(key, "/".repeat(InputLimits.LABEL_PART));
		}

		assertThat(this.json.writeValueAsString(labels)).hasSizeLessThanOrEqualTo(InputLimits.LABELS_COLUMN);
	}

	private int column(String table, String column) {
		return this.jdbc.sql("""
				SELECT character_maximum_length FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?""")
			.params(table, column)
			.query(Integer.class)
			.single();
	}

}
