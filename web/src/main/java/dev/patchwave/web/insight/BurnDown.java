package dev.patchwave.web.insight;

import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.orchestrator.plan.PlanningProperties;
import dev.patchwave.orchestrator.plan.PlanningProperties.Deadline;
import dev.patchwave.orchestrator.plan.Projector.WaveTimeline;
import dev.patchwave.orchestrator.rollout.RolloutService;
import dev.patchwave.orchestrator.rollout.RolloutView;
import dev.patchwave.orchestrator.rollout.WaveView;
import dev.patchwave.web.insight.ExposureBreakdown.Host;
import dev.patchwave.web.insight.ExposureBreakdown.PatchExposure;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * A patch's exposed hosts over time, derived from what is stored rather than sampled, so
 * it reaches back before anyone looked: a host running the product counts as exposed from
 * its registration until a rollout of the patch installed it (the deployment's finish);
 * still exposed hosts count until now; hosts that were already at the fixed version
 * without a rollout never count, as nobody knows since when. Ahead of now, the running
 * and scheduled rollouts' projections take each wave's remaining hosts off at its
 * projected end.
 */
@Service
public class BurnDown {

	/** Rollouts whose projections go on by themselves; a paused or halted one waits. */
	private static final Set<RolloutState> ADVANCING = Set.of(RolloutState.RUNNING, RolloutState.SCHEDULED);

	private final JdbcClient jdbc;

	private final RolloutService rollouts;

	private final PlanningProperties planning;

	private final Clock clock;

	public BurnDown(JdbcClient jdbc, RolloutService rollouts, PlanningProperties planning, Clock clock) {
		this.jdbc = jdbc;
		this.rollouts = rollouts;
		this.planning = planning;
		this.clock = clock;
	}

	public Chart of(PatchExposure exposure) {
		Instant now = this.clock.instant();
		List<Point> history = history(exposure, now);
		int exposedNow = exposure.counts().exposed();
		List<RolloutView> advancing = exposure.hosts()
			.stream()
			.filter(host -> host.status() == HostStatus.QUEUED || host.status() == HostStatus.IN_FLIGHT)
			.map(Host::rolloutId)
			.filter(Objects::nonNull)
			.distinct()
			.map(this.rollouts::detail)
			.filter(rollout -> ADVANCING.contains(rollout.state()) && rollout.projection() != null)
			.toList();
		List<Point> projection = projection(advancing, exposedNow, now);
		Optional<Deadline> deadline = advancing.stream()
			.filter(rollout -> rollout.deadline() != null)
			.min(Comparator.comparing(RolloutView::deadline))
			.map(rollout -> new Deadline(rollout.deadline(), "rollout '%s'".formatted(rollout.name())))
			.or(() -> policyDeadline(exposure.patch()));
		return new Chart(history, projection, deadline.orElse(null), now);
	}

	/**
	 * Exposed hosts over time up to now, one point per change: each host adds one at its
	 * registration and takes one off once a rollout fixed it.
	 */
	private List<Point> history(PatchExposure exposure, Instant now) {
		Map<Long, Instant> registered = new HashMap<>();
		this.jdbc.sql("SELECT id, registered_at FROM target").query(rs -> {
			registered.put(rs.getLong("id"), rs.getTimestamp("registered_at").toInstant());
		});
		Map<Long, Instant> fixed = new HashMap<>();
		this.jdbc
			.sql("""
					SELECT d.target_id, MAX(d.finished_at) AS fixed_at FROM deployment d JOIN rollout r ON r.id = d.rollout_id
					WHERE r.patch_id = ? AND d.state = 'SUCCEEDED' AND d.finished_at IS NOT NULL GROUP BY d.target_id""")
			.param(exposure.patch().id())
			.query(rs -> {
				fixed.put(rs.getLong("target_id"), rs.getObject("fixed_at", Timestamp.class).toInstant());
			});
		List<Change> changes = new ArrayList<>();
		for (Host host : exposure.hosts()) {
			Instant since = registered.getOrDefault(host.target().id(), now);
			if (host.status().exposed()) {
				changes.add(new Change(since, 1));
			}
			else if (host.patchedByRollout() && fixed.containsKey(host.target().id())) {
				changes.add(new Change(since, 1));
				changes.add(new Change(fixed.get(host.target().id()), -1));
			}
		}
		changes.sort(Comparator.comparing(Change::at));
		List<Point> points = new ArrayList<>();
		int exposed = 0;
		for (Change change : changes) {
			exposed += change.delta();
			if (!points.isEmpty() && points.getLast().at().equals(change.at())) {
				points.removeLast();
			}
			points.add(new Point(change.at(), exposed));
		}
		points.add(new Point(now, exposure.counts().exposed()));
		return points;
	}

	/**
	 * From now on: at each wave's projected end, the hosts still pending or in flight in
	 * it are patched.
	 */
	private static List<Point> projection(List<RolloutView> advancing, int exposedNow, Instant now) {
		List<Change> changes = new ArrayList<>();
		for (RolloutView rollout : advancing) {
			List<WaveTimeline> timeline = rollout.projection().waves();
			for (WaveView wave : rollout.waves()) {
				int remaining = wave.counts().pending() + wave.counts().dispatched();
				if (remaining > 0 && wave.position() < timeline.size() && timeline.get(wave.position()).end() != null) {
					Instant end = timeline.get(wave.position()).end();
					changes.add(new Change(end.isBefore(now) ? now : end, -remaining));
				}
			}
		}
		changes.sort(Comparator.comparing(Change::at));
		List<Point> points = new ArrayList<>(List.of(new Point(now, exposedNow)));
		int exposed = exposedNow;
		for (Change change : changes) {
			exposed = Math.max(0, exposed + change.delta());
			points.add(new Point(change.at(), exposed));
		}
		return points;
	}

	/** Without a rollout that has one, the policy's deadline counted from the release. */
	private Optional<Deadline> policyDeadline(Patch patch) {
		return this.planning.deadline(patch.advisories(), patch.released().atStartOfDay(ZoneOffset.UTC).toInstant())
			.map(policy -> new Deadline(policy.at(), policy.reason() + ", from the release"));
	}

	private record Change(Instant at, int delta) {

	}

	/** Exposed hosts at an instant. */
	public record Point(Instant at, int exposed) {

	}

	/**
	 * The history up to now, the projection from now (its first point is now), and the
	 * deadline the projection is held to.
	 */
	public record Chart(List<Point> history, List<Point> projection, Deadline deadline, Instant now) {

		/** Hosts the advancing rollouts leave exposed: no projection reaches them. */
		public int leftExposed() {
			return this.projection.getLast().exposed();
		}

	}

}
