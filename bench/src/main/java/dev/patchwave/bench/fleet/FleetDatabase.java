package dev.patchwave.bench.fleet;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The PostgreSQL database the fleet bench's server runs on: the one named by
 * {@code bench.fleet.jdbc-url}, or a throwaway one created on the server at
 * 127.0.0.1:5432 and dropped afterwards.
 */
record FleetDatabase(String jdbcUrl, String user, Optional<String> dropAfter) implements AutoCloseable {

	private static final String LOCAL_SERVER = "jdbc:postgresql://127.0.0.1:5432/";

	static FleetDatabase of(String jdbcUrl, String user, String runId) throws SQLException {
		if (jdbcUrl != null && !jdbcUrl.isBlank()) {
			return new FleetDatabase(jdbcUrl, user, Optional.empty());
		}
		String name = "patchwave_fleet_bench_" + runId;
		try (Connection connection = DriverManager.getConnection(LOCAL_SERVER + "postgres", user, null);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new SQLException(("The fleet bench needs PostgreSQL: none answered at %s as %s (%s). Start one there,"
					+ " or name one with --bench.fleet.jdbc-url=jdbc:postgresql://host:port/db")
				.formatted(LOCAL_SERVER, user, ex.getMessage()), ex);
		}
		return new FleetDatabase(LOCAL_SERVER + name, user, Optional.of(name));
	}

	@Override
	public void close() throws SQLException {
		if (this.dropAfter.isPresent()) {
			try (Connection connection = DriverManager.getConnection(LOCAL_SERVER + "postgres", this.user, null);
					Statement statement = connection.createStatement()) {
				statement.execute("DROP DATABASE IF EXISTS " + this.dropAfter.get() + " WITH (FORCE)");
			}
		}
	}

}
