package dev.patchwave.orchestrator.rollout;

import dev.patchwave.orchestrator.ConflictException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * A target is in one active rollout at a time: two rollouts racing on one host would each
 * install, retry and roll back without knowing of the other. Checked when a rollout is
 * planned, and enforced, under lock, when it starts.
 */
@Repository
public class RolloutOverlaps {

	private final JdbcClient jdbc;

	RolloutOverlaps(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Refuses a rollout some of whose targets another active rollout covers, naming that
	 * rollout and the targets.
	 */
	public void refuse(long rolloutId) {
		List<Overlap> overlaps = overlaps(rolloutId);
		if (!overlaps.isEmpty()) {
			throw new ConflictException(Overlap.describe(overlaps));
		}
	}

	/**
	 * As {@link #refuse}, with the rollout's targets locked first, so two overlapping
	 * rollouts started at once on any nodes cannot both pass.
	 */
	public void lockAndRefuse(long rolloutId) {
		lockTargets(rolloutId);
		refuse(rolloutId);
	}

	/**
	 * Locks this rollout's targets' rows, in id order so two lockers never wait for each
	 * other crosswise.
	 */
	private void lockTargets(long rolloutId) {
		this.jdbc
			.sql("SELECT t.id FROM target t WHERE t.id IN (SELECT target_id FROM deployment WHERE rollout_id = ?)"
					+ " ORDER BY t.id FOR UPDATE")
			.param(rolloutId)
			.query(Long.class)
			.list();
	}

	/**
	 * The targets of this rollout that another active rollout covers, with that rollout
	 * and how many it shares in all; the first thousand. Starts from the active rollouts'
	 * deployments, so its cost does not grow with the history of finished ones.
	 */
	private List<Overlap> overlaps(long rolloutId) {
		return this.jdbc.sql("""
				SELECT other.id, other.name, theirs.target_name, COUNT(*) OVER (PARTITION BY other.id) AS shared
				FROM rollout other
				JOIN deployment theirs ON theirs.rollout_id = other.id
				WHERE other.id <> :rollout AND other.state IN
				  ('SCHEDULED', 'RUNNING', 'PAUSED', 'HALTED', 'ROLLING_BACK', 'COMPLETED_WITH_FAILURES')
				  AND EXISTS (SELECT 1 FROM deployment mine
				    WHERE mine.rollout_id = :rollout AND mine.target_id = theirs.target_id)
				ORDER BY other.id, theirs.target_name LIMIT 1000""")
			.param("rollout", rolloutId)
			.query((rs, row) -> new Overlap(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4)))
			.list();
	}

	/**
	 * A target that another active rollout covers, and how many targets the two share.
	 */
	private record Overlap(long rolloutId, String rolloutName, String target, int shared) {

		/** Names each rollout and up to ten of the targets it shares. */
		static String describe(List<Overlap> overlaps) {
			Map<Long, List<Overlap>> byRollout = new LinkedHashMap<>();
			overlaps.forEach(
					overlap -> byRollout.computeIfAbsent(overlap.rolloutId(), id -> new ArrayList<>()).add(overlap));
			return byRollout.values().stream().map(shared -> {
				List<String> names = shared.stream().map(Overlap::target).toList();
				return "rollout %d '%s' already covers %d of these targets: %s%s".formatted(shared.get(0).rolloutId(),
						shared.get(0).rolloutName(), shared.get(0).shared(),
						String.join(", ", names.subList(0, Math.min(10, names.size()))),
						names.size() > 10 ? ", ..." : "");
			}).collect(Collectors.joining("; "))
					+ ". A target is in one active rollout at a time: finish, abort or retry that rollout first.";
		}

	}

}
