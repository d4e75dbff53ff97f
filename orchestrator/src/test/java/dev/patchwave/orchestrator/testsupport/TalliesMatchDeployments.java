package dev.patchwave.orchestrator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * After each test, checks that every wave's tally equals a count of its deployments. One
 * statement reads both, so a rollout the engine is still running is seen consistently.
 */
public class TalliesMatchDeployments implements AfterEachCallback {

	@Override
	public void afterEach(ExtensionContext context) {
		JdbcClient jdbc = SpringExtension.getApplicationContext(context)
			.getBeanProvider(JdbcClient.class)
			.getIfAvailable();
		if (jdbc == null) {
			// a test of the database set-up alone, without the schema
			return;
		}
		List<String> wrong = jdbc.sql("""
				SELECT 'wave ' || t.wave_id || ' ' || t.state || ': tally ' || t.n || ', deployments ' || c.n
				FROM wave_tally t
				CROSS JOIN LATERAL (SELECT COUNT(*) AS n FROM deployment d
				  WHERE d.wave_id = t.wave_id AND d.state = t.state) c
				WHERE t.n <> c.n""").query(String.class).list();
		assertThat(wrong).as("wave tallies that disagree with the deployments").isEmpty();
	}

}
