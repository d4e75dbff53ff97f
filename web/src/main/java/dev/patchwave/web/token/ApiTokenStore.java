package dev.patchwave.web.token;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The api_token table: one row per token ever created, revoked ones included. */
@Repository
class ApiTokenStore {

	private static final String SELECT = """
			SELECT id, owner, name, secret_hash, created_at, expires_at, last_used_at, revoked_at, revoked_by
			FROM api_token""";

	private final JdbcClient jdbc;

	private final Clock clock;

	ApiTokenStore(JdbcClient jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	void insert(ApiToken token, String secretHash) {
		this.jdbc.sql("""
				INSERT INTO api_token (id, owner, name, secret_hash, created_at, expires_at)
				VALUES (?, ?, ?, ?, ?, ?)""")
			.params(token.id(), token.owner(), token.name(), secretHash, Timestamp.from(token.createdAt()),
					Timestamp.from(token.expiresAt()))
			.update();
	}

	Optional<StoredToken> find(String id) {
		return this.jdbc.sql(SELECT + " WHERE id = ?").param(id).query(this::stored).optional();
	}

	/** The owner's tokens, or everybody's when {@code owner} is null; newest first. */
	List<ApiToken> list(String owner) {
		String where = owner == null ? "" : " WHERE owner = :owner";
		JdbcClient.StatementSpec query = this.jdbc.sql(SELECT + where + " ORDER BY created_at DESC, id");
		if (owner != null) {
			query = query.param("owner", owner);
		}
		return query.query(this::stored).list().stream().map(StoredToken::token).toList();
	}

	/** Marks the token revoked; false if it was revoked already. */
	boolean revoke(String id, String actor, Instant at) {
		return this.jdbc.sql("UPDATE api_token SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL")
			.params(Timestamp.from(at), actor, id)
			.update() == 1;
	}

	void recordUse(String id, Instant at) {
		this.jdbc.sql("UPDATE api_token SET last_used_at = ? WHERE id = ?").params(Timestamp.from(at), id).update();
	}

	private StoredToken stored(ResultSet row, int number) throws SQLException {
		Instant expiresAt = instant(row, "expires_at");
		Instant revokedAt = instant(row, "revoked_at");
		ApiToken token = new ApiToken(row.getString("id"), row.getString("owner"), row.getString("name"),
				instant(row, "created_at"), expiresAt, instant(row, "last_used_at"), revokedAt,
				row.getString("revoked_by"), ApiToken.status(expiresAt, revokedAt, this.clock.instant()));
		return new StoredToken(token, row.getString("secret_hash"));
	}

	private static Instant instant(ResultSet row, String column) throws SQLException {
		Timestamp value = row.getTimestamp(column);
		return value == null ? null : value.toInstant();
	}

	/** A row with the hash that the token presented must match. */
	record StoredToken(ApiToken token, String secretHash) {

	}

}
