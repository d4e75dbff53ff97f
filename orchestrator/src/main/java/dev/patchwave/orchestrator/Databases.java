package dev.patchwave.orchestrator;

import java.sql.Connection;
import java.sql.SQLException;
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

}
