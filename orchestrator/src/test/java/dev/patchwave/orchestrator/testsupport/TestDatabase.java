package dev.patchwave.orchestrator.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The PostgreSQL database integration tests run against, found once per JVM. In order:
 * the database named by {@code PATCHWAVE_TEST_JDBC_URL}; a throwaway database created on
 * a server at 127.0.0.1:5432 and dropped at JVM exit; a Testcontainers PostgreSQL when
 * Docker is available. Without any of these it fails, saying how to provide one.
 */
public final class TestDatabase {

	private static final Logger logger = LoggerFactory.getLogger(TestDatabase.class);

	private static final String LOCAL_SERVER = "127.0.0.1:5432";

	private static final String CONTAINER_IMAGE = "postgres:16-alpine";

	private static TestDatabase instance;

	// remembered so that every test asking after a failed lookup gets the same answer
	// without probing again
	private static IllegalStateException failure;

	private final String jdbcUrl;

	private final String username;

	private final String password;

	private final String description;

	private TestDatabase(String jdbcUrl, String username, String password, String description) {
		this.jdbcUrl = jdbcUrl;
		this.username = username;
		this.password = password;
		this.description = description;
	}

	public static synchronized TestDatabase postgres() {
		if (instance == null && failure == null) {
			try {
				instance = find();
				logger.info("Tests use {}", instance.description);
			}
			catch (IllegalStateException ex) {
				failure = ex;
			}
		}
		if (failure != null) {
			throw new IllegalStateException(failure.getMessage(), failure);
		}
		return instance;
	}

	public String jdbcUrl() {
		return this.jdbcUrl;
	}

	/**
	 * The user to connect as, or {@code null} when the JDBC URL carries it or the
	 * driver's default applies.
	 */
	public String username() {
		return this.username;
	}

	/**
	 * The password to connect with, or {@code null} when none is needed or the JDBC URL
	 * carries it.
	 */
	public String password() {
		return this.password;
	}

	/**
	 * Which database this is and where it came from, for logs; never contains a password.
	 */
	public String description() {
		return this.description;
	}

	private static TestDatabase find() {
		String configuredUrl = System.getenv("PATCHWAVE_TEST_JDBC_URL");
		if (configuredUrl != null && !configuredUrl.isBlank()) {
			// the query string may hold a password
			String shownUrl = configuredUrl.replaceFirst("\\?.*", "");
			return new TestDatabase(configuredUrl, System.getenv("PATCHWAVE_TEST_DB_USER"),
					System.getenv("PATCHWAVE_TEST_DB_PASSWORD"),
					"database " + shownUrl + " from PATCHWAVE_TEST_JDBC_URL");
		}
		String localFailure;
		try {
			return throwawayOnLocalServer();
		}
		catch (SQLException ex) {
			localFailure = ex.getMessage();
		}
		if (DockerClientFactory.instance().isDockerAvailable()) {
			return container();
		}
		throw new IllegalStateException("""
				No PostgreSQL for integration tests. Provide one of:
				  - PATCHWAVE_TEST_JDBC_URL=jdbc:postgresql://host:port/db, plus PATCHWAVE_TEST_DB_USER and \
				PATCHWAVE_TEST_DB_PASSWORD if it needs them
				  - a PostgreSQL server on %s where user postgres (or $PGUSER, with $PGPASSWORD) may create \
				databases (trying it failed: %s)
				  - a running Docker engine, for Testcontainers to start %s""".formatted(LOCAL_SERVER, localFailure,
				CONTAINER_IMAGE));
	}

	private static TestDatabase throwawayOnLocalServer() throws SQLException {
		String username = Objects.requireNonNullElse(System.getenv("PGUSER"), "postgres");
		String password = System.getenv("PGPASSWORD");
		String name = throwawayName();
		String maintenanceUrl = "jdbc:postgresql://" + LOCAL_SERVER + "/postgres";
		try (Connection connection = connectForAdministration(maintenanceUrl, username, password);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			try (Connection connection = connectForAdministration(maintenanceUrl, username, password);
					Statement statement = connection.createStatement()) {
				// FORCE because connection pools of still-open Spring contexts may hold
				// sessions on it
				statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
			}
			catch (SQLException ex) {
				// logging may already be shut down by now
				System.err.println("Could not drop test database " + name + " on " + LOCAL_SERVER + ": " + ex);
			}
		}, "drop-" + name));
		return new TestDatabase("jdbc:postgresql://" + LOCAL_SERVER + "/" + name, username, password,
				"throwaway database " + name + " on " + LOCAL_SERVER);
	}

	private static Connection connectForAdministration(String url, String username, String password)
			throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", username);
		if (password != null) {
			properties.setProperty("password", password);
		}
		// without a server on the port this has to fail fast so the other options get
		// their turn; the login
		// timeout also covers something listening there that never answers like
		// PostgreSQL
		properties.setProperty("connectTimeout", "2");
		properties.setProperty("loginTimeout", "5");
		return DriverManager.getConnection(url, properties);
	}

	private static TestDatabase container() {
		// named like the ones on a local server, so tests can tell a throwaway database
		// from a configured one
		PostgreSQLContainer container = new PostgreSQLContainer(CONTAINER_IMAGE).withDatabaseName(throwawayName());
		container.start();
		Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "stop-test-postgres-container"));
		return new TestDatabase(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
				"Testcontainers " + CONTAINER_IMAGE + " at " + container.getJdbcUrl());
	}

	// the timestamp tells a leftover from a killed run apart from one in use; the random
	// part keeps JVMs
	// started in the same second apart
	private static String throwawayName() {
		return "patchwave_test_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss")) + "_"
				+ HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
	}

}
