package dev.patchwave.orchestrator.connector;

import dev.patchwave.common.connector.ConnectorCheck;
import dev.patchwave.common.connector.ConnectorHealth;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The last probe of each connector, in the database so that every node reports the same,
 * and the reading of a probe's checks as health.
 */
@Repository
public class ConnectorProbes {

	// what systems answer to a request they consider wrongly made, as the connectors
	// quote it in a check's detail
	private static final Pattern REFUSED_AS_MISCONFIGURED = Pattern.compile("\\bHTTP (400|401|403|404)\\b");

	private static final Pattern SYSTEM_TROUBLE = Pattern
		.compile("\\bHTTP (408|429|5\\d\\d)\\b|timed out|timeout|refused|unreachable|reset", Pattern.CASE_INSENSITIVE);

	private static final Pattern LOGIN_REFUSED = Pattern
		.compile("authenticat|permission denied|host key|no more authentication", Pattern.CASE_INSENSITIVE);

	private static final int DETAIL = 2000;

	private final JdbcClient jdbc;

	private final Clock clock;

	public ConnectorProbes(JdbcClient jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	/**
	 * Reads a probe's checks: all passed is UP; a system that answered but refused the
	 * requests as wrongly made is DOWN and misconfigured; anything else (no answer, 5xx,
	 * time-outs) is DOWN.
	 */
	static ConnectorHealth verdict(List<ConnectorCheck> checks, Instant now) {
		List<ConnectorCheck> failed = checks.stream().filter(check -> !check.ok()).toList();
		if (failed.isEmpty()) {
			return new ConnectorHealth(ConnectorHealth.Status.UP, "%d checks passed: %s".formatted(checks.size(),
					checks.stream().map(ConnectorCheck::name).collect(Collectors.joining(", "))), now, null);
		}
		String detail = failed.stream()
			.map(check -> check.name() + ": " + check.detail())
			.collect(Collectors.joining("; "));
		boolean misconfigured = failed.stream().allMatch(ConnectorProbes::isMisconfiguration);
		return misconfigured ? ConnectorHealth.misconfigured("misconfigured: " + detail, now)
				: new ConnectorHealth(ConnectorHealth.Status.DOWN, detail, now, null);
	}

	private static boolean isMisconfiguration(ConnectorCheck check) {
		String detail = check.detail() == null ? "" : check.detail();
		if (REFUSED_AS_MISCONFIGURED.matcher(detail).find()) {
			return true;
		}
		if (SYSTEM_TROUBLE.matcher(detail).find()) {
			return false;
		}
		return switch (check.name()) {
			// reaching the system is the system's part, unless it turned the login down
			case "reachable" -> false;
			case "login" -> LOGIN_REFUSED.matcher(detail).find();
			// the rest check what was configured: credentials, templates, keys
			default -> true;
		};
	}

	/** Stores a probe's outcome; the time since the status holds carries over. */
	public void record(String connector, ConnectorHealth health) {
		Instant now = this.clock.instant();
		String detail = health.detail().length() > DETAIL ? health.detail().substring(0, DETAIL - 3) + "..."
				: health.detail();
		Object[] values = { health.status().name(), health.misconfigured(), detail, Timestamp.from(now),
				Timestamp.from(now), connector };
		String update = """
				UPDATE connector_probe SET status = ?, misconfigured = ?, detail = ?, checked_at = ?,
					since = CASE WHEN status = ? AND misconfigured = ? THEN since ELSE ? END
				WHERE connector = ?""";
		Object[] updateValues = { values[0], values[1], values[2], values[3], values[0], values[1], values[4],
				connector };
		if (this.jdbc.sql(update).params(updateValues).update() == 0) {
			try {
				this.jdbc.sql("""
						INSERT INTO connector_probe (status, misconfigured, detail, checked_at, since, connector)
						VALUES (?, ?, ?, ?, ?, ?)""").params(values).update();
			}
			catch (DuplicateKeyException ex) {
				// another node recorded its first probe meanwhile
				this.jdbc.sql(update).params(updateValues).update();
			}
		}
	}

	/** The last probe of a connector, if it was probed. */
	public Optional<Probe> last(String connector) {
		return this.jdbc.sql("SELECT * FROM connector_probe WHERE connector = ?")
			.param(connector)
			.query((rs, row) -> new Probe(
					new ConnectorHealth(ConnectorHealth.Status.valueOf(rs.getString("status")), rs.getString("detail"),
							rs.getTimestamp("since").toInstant(), null, rs.getBoolean("misconfigured")),
					rs.getTimestamp("checked_at").toInstant()))
			.optional();
	}

	/** A probe's outcome and when it was made. */
	public record Probe(ConnectorHealth health, Instant checkedAt) {

	}

}
