package dev.patchwave.orchestrator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;

class TestDatabaseTest {

	@Test
	void isPostgresql() throws SQLException {
		assertThat(query(connect(), "select version()")).startsWith("PostgreSQL");
	}

	@Test
	void isThrowawayUnlessConfigured() throws SQLException {
		assumeTrue(System.getenv("PATCHWAVE_TEST_JDBC_URL") == null, "PATCHWAVE_TEST_JDBC_URL names the database");
		assertThat(query(connect(), "select current_database()")).startsWith("patchwave_test_");
	}

	@Test
	void isFoundOncePerJvm() {
		assertThat(TestDatabase.postgres()).isSameAs(TestDatabase.postgres());
	}

	private static Connection connect() throws SQLException {
		TestDatabase database = TestDatabase.postgres();
		return DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
	}

	private static String query(Connection connection, String sql) throws SQLException {
		try (connection;
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getString(1);
		}
	}

	@Nested
	@SpringBootTest(classes = DataSourceOnly.class)
	@PostgresTest
	class WithSpringBoot {

		@Autowired
		DataSource dataSource;

		@Test
		void dataSourceConnectsToTestDatabase() throws SQLException {
			assertThat(query(this.dataSource.getConnection(), "select current_database()"))
				.isEqualTo(query(connect(), "select current_database()"));
		}

	}

	@SpringBootConfiguration
	@ImportAutoConfiguration(DataSourceAutoConfiguration.class)
	static class DataSourceOnly {

	}

}
