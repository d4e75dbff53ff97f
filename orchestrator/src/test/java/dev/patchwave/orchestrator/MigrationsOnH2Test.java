package dev.patchwave.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.patchwave.common.target.LabelSelector;
import dev.patchwave.common.target.Target;
import dev.patchwave.orchestrator.target.TargetRepository;
import dev.patchwave.orchestrator.target.TargetSpec;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/** The embedded demo database runs the very migrations production runs on PostgreSQL. */
class MigrationsOnH2Test {

	@Test
	void everyMigrationRunsOnH2AndSeedsTheCatalog() {
		SimpleDriverDataSource h2 = new SimpleDriverDataSource(new org.h2.Driver(),
				"jdbc:h2:mem:migrations;DB_CLOSE_DELAY=-1", "sa", "");

		Flyway flyway = Flyway.configure().dataSource(h2).locations("classpath:db/migration").load();
		MigrateResult result = flyway.migrate();

		assertThat(result.success).isTrue();
		assertThat(result.migrationsExecuted).isEqualTo(flyway.info().applied().length).isGreaterThanOrEqualTo(6);
		assertThat(flyway.info().pending()).isEmpty();
		JdbcClient jdbc = JdbcClient.create(h2);
		assertThat(jdbc.sql("SELECT fixed_version FROM patch WHERE id = 'apex-central-2019-cp-7190'")
			.query(String.class)
			.single()).isEqualTo("14.0.7190");
		assertThat(jdbc.sql("SELECT COUNT(*) FROM qrtz_locks").query(Integer.class).single()).isZero();
	}

	@Test
	void targetsAreInsertedThenReplacedByNameOnH2() {
		SimpleDriverDataSource h2 = new SimpleDriverDataSource(new org.h2.Driver(),
				"jdbc:h2:mem:upserts;DB_CLOSE_DELAY=-1", "sa", "");
		Flyway.configure().dataSource(h2).locations("classpath:db/migration").load().migrate();
		TargetRepository targets = new TargetRepository(JdbcClient.create(h2), new JdbcTemplate(h2),
				JsonMapper.builder().build(), Clock.systemUTC(), h2);

		int createdFirst = targets.upsert(List.of(new TargetSpec("h2-a", "10.0.0.1", Map.of("k", "v"), "c", "1.0"),
				new TargetSpec("h2-b", "10.0.0.2", Map.of(), "c", null)));
		int createdSecond = targets.upsert(List.of(new TargetSpec("h2-a", "10.0.0.9", Map.of(), "c", "2.0")));

		assertThat(createdFirst).isEqualTo(2);
		assertThat(createdSecond).isZero();
		assertThat(targets.all()).extracting(Target::name, Target::address)
			.containsExactly(tuple("h2-a", "10.0.0.9"), tuple("h2-b", "10.0.0.2"));
		assertThat(targets.matching(LabelSelector.parse("!k"))).extracting(Target::name)
			.containsExactly("h2-a", "h2-b");
	}

	@Test
	void labelsStoredBeforeTheLabelTableAreCopiedIntoItOnH2() {
		SimpleDriverDataSource h2 = new SimpleDriverDataSource(new org.h2.Driver(),
				"jdbc:h2:mem:backfill;DB_CLOSE_DELAY=-1", "sa", "");
		Flyway.configure().dataSource(h2).locations("classpath:db/migration").target("30").load().migrate();
		JdbcClient jdbc = JdbcClient.create(h2);
		jdbc.sql("""
				INSERT INTO target (name, address, labels, connector, updated_at)
				VALUES ('old', '10.0.0.1', '{"site":"fra1","env":"prod"}', 'c', CURRENT_TIMESTAMP)""").update();

		Flyway.configure().dataSource(h2).locations("classpath:db/migration").load().migrate();

		TargetRepository targets = new TargetRepository(jdbc, new JdbcTemplate(h2), JsonMapper.builder().build(),
				Clock.systemUTC(), h2);
		assertThat(targets.matching(LabelSelector.parse("site=fra1,env=prod"))).extracting(Target::name)
			.containsExactly("old");
	}

}
