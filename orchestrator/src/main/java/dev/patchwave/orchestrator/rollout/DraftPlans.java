package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.orchestrator.event.RolloutChanged;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What only a draft allows: its plan replaced, or the draft deleted. Both first claim the
 * rollout row while it is still a draft, so a start racing with them waits for the
 * transaction and then finds the draft changed or gone.
 */
@Repository
class DraftPlans {

	private final JdbcClient jdbc;

	private final ApplicationEventPublisher publisher;

	DraftPlans(JdbcClient jdbc, ApplicationEventPublisher publisher) {
		this.jdbc = jdbc;
		this.publisher = publisher;
	}

	/**
	 * Locks the rollout's row if it is a draft, until the transaction ends; false if it
	 * is not (any more).
	 */
	boolean claim(long rolloutId) {
		boolean claimed = this.jdbc.sql("UPDATE rollout SET version = version + 1 WHERE id = ? AND state = ?")
			.params(rolloutId, RolloutState.DRAFT.name())
			.update() == 1;
		if (claimed) {
			// readers are told once the change is committed
			this.publisher.publishEvent(new RolloutChanged(rolloutId));
		}
		return claimed;
	}

	/** Takes the draft's waves, deployments and windows off, for a new plan. */
	void clearPlan(long rolloutId) {
		this.jdbc.sql("DELETE FROM deployment WHERE rollout_id = ?").param(rolloutId).update();
		this.jdbc.sql("DELETE FROM wave WHERE rollout_id = ?").param(rolloutId).update();
		this.jdbc.sql("DELETE FROM rollout_window WHERE rollout_id = ?").param(rolloutId).update();
	}

	/**
	 * Writes the draft's new settings. Its creator becomes whoever planned it last: four
	 * eyes keep that person from approving their own plan.
	 */
	void replace(RolloutRow draft) {
		this.jdbc.sql("""
				UPDATE rollout SET name = ?, patch_id = ?, selector = ?, advance_mode = ?, bake_time_seconds = ?,
				  not_before = ?, halt_policy = ?, created_by = ?, deadline = NULL, deadline_reason = NULL
				WHERE id = ?""")
			.params(draft.name(), draft.patchId(), draft.selector(), draft.advance().name(),
					draft.bakeTime().toSeconds(), timestamp(draft.notBefore()), draft.haltPolicy().name(),
					draft.createdBy(), draft.id())
			.update();
	}

	/**
	 * Deletes the draft with its journal, keeping who deleted it, when, and what it
	 * planned.
	 */
	void delete(RolloutRow draft, String plan, String actor, Instant at) {
		this.jdbc.sql("""
				INSERT INTO deleted_rollout (rollout_id, name, patch_id, created_by, created_at, deleted_by, deleted_at,
				  plan) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
			.params(draft.id(), draft.name(), draft.patchId(), draft.createdBy(), timestamp(draft.createdAt()), actor,
					timestamp(at), plan.length() <= 2000 ? plan : plan.substring(0, 1999) + "…")
			.update();
		clearPlan(draft.id());
		this.jdbc.sql("DELETE FROM rollout_event WHERE rollout_id = ?").param(draft.id()).update();
		this.jdbc.sql("DELETE FROM rollout WHERE id = ?").param(draft.id()).update();
	}

	/** Each wave's selector and spread label by position, as planned. */
	Map<Integer, Composition> composition(long rolloutId) {
		Map<Integer, Composition> byPosition = new HashMap<>();
		this.jdbc.sql("SELECT position, selector, spread_by FROM wave WHERE rollout_id = ?")
			.param(rolloutId)
			.query(rs -> {
				byPosition.put(rs.getInt("position"),
						new Composition(rs.getString("selector"), rs.getString("spread_by")));
			});
		return byPosition;
	}

	record Composition(String selector, String spreadBy) {

	}

	private static Timestamp timestamp(Instant instant) {
		return instant == null ? null : Timestamp.from(instant);
	}

}
