package dev.patchwave.orchestrator;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Which database Patchwave runs on, for the few statements written in PostgreSQL's own
 * words (upserts, updates over arrays) beside the SQL that PostgreSQL and H2 share.
 */
public final class Databases {

	private Databases() {
	}

	public static boolean isPostgres(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			return connection.getMetaData().getDatabaseProductName().equals("PostgreSQL");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot tell which database Patchwave runs on", ex);
		}
	}

	/**
	 * One column of a batch as a PostgreSQL array of {@code type}, for a statement over
	 * {@code unnest} of its columns: a whole batch in one statement.
	 */
	public static <T> Array column(Connection connection, String type, List<T> items, Function<T, ?> value)
			throws SQLException {
		return connection.createArrayOf(type, items.stream().map(value).toArray());
	}

}
