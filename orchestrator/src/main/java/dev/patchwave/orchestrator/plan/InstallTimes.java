package dev.patchwave.orchestrator.plan;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * How long one install of a patch through a connector is expected to take: the median,
 * from dispatch to result, of its latest successful installs there (a median, so one
 * install slowed by a cold start or a busy host does not skew it); else the configured
 * estimate. An observed time is read again at most every {@link #FRESH}, since the
 * dispatcher asks for every target; an estimate only holds until the first install is
 * observed.
 */
@Component
public class InstallTimes {

	static final Duration FRESH = Duration.ofSeconds(10);

	private final JdbcClient jdbc;

	private final PlanningProperties properties;

	private final Clock clock;

	private final Map<String, Known> known = new ConcurrentHashMap<>();

	InstallTimes(JdbcClient jdbc, PlanningProperties properties, Clock clock) {
		this.jdbc = jdbc;
		this.properties = properties;
		this.clock = clock;
	}

	/** The expected install time, as read at most {@link #FRESH} ago. */
	public InstallTime expected(String connector, String patchId) {
		Known cached = this.known.get(connector + "\n" + patchId);
		if (cached != null && cached.time().samples() > 0
				&& this.clock.instant().isBefore(cached.readAt().plus(FRESH))) {
			return cached.time();
		}
		return current(connector, patchId);
	}

	/** The expected install time read now, for a projection that should be exact. */
	public InstallTime current(String connector, String patchId) {
		InstallTime time = observe(connector, patchId);
		this.known.put(connector + "\n" + patchId, new Known(time, this.clock.instant()));
		return time;
	}

	private InstallTime observe(String connector, String patchId) {
		List<Duration> samples = this.jdbc.sql("""
				SELECT d.dispatched_at, d.finished_at FROM deployment d
				JOIN target t ON t.id = d.target_id JOIN rollout r ON r.id = d.rollout_id
				WHERE t.connector = ? AND r.patch_id = ? AND d.state IN ('SUCCEEDED', 'REBOOT_PENDING')
				  AND d.dispatched_at IS NOT NULL AND d.finished_at IS NOT NULL
				ORDER BY d.finished_at DESC LIMIT ?""")
			.params(connector, patchId, this.properties.installSamples())
			.query((rs, row) -> Duration.between(rs.getTimestamp("dispatched_at").toInstant(),
					rs.getTimestamp("finished_at").toInstant()))
			.list();
		if (samples.isEmpty()) {
			return new InstallTime(this.properties.installEstimate(), 0);
		}
		List<Duration> sorted = samples.stream().sorted().toList();
		Duration median = sorted.get(sorted.size() / 2)
			.plus(sorted.get((sorted.size() - 1) / 2))
			.dividedBy(2)
			.truncatedTo(ChronoUnit.MILLIS);
		return new InstallTime(median.isZero() ? Duration.ofMillis(1) : median, samples.size());
	}

	/**
	 * An expected install time, and how many installs it was observed from (0:
	 * estimated).
	 */
	public record InstallTime(Duration duration, int samples) {

	}

	private record Known(InstallTime time, Instant readAt) {

	}

}
