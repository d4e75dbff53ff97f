package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.rollout.RolloutState;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Rollout leases as stored: which node advances a rollout, under which epoch, until when.
 * Every change names the epoch it expects, so of two nodes racing for a rollout exactly
 * one wins, and a node whose epoch is gone can change nothing.
 */
@Repository
public class RolloutLeases {

	/**
	 * Rollouts with work for an engine: not final, or aborted with calls still in flight.
	 */
	private static final String NEEDS_OWNER = """
			(r.state IN ('SCHEDULED', 'RUNNING', 'PAUSED', 'HALTED', 'ROLLING_BACK')
			 OR (r.state = 'ABORTED' AND EXISTS (SELECT 1 FROM deployment d
			     WHERE d.rollout_id = r.id AND d.state IN ('DISPATCHED', 'ROLLING_BACK'))))""";

	private final JdbcClient jdbc;

	public RolloutLeases(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Rollouts with work whose lease is free, expired, or held under this node's name by
	 * an earlier life of it.
	 */
	public List<Lease> claimable(String node, Instant now) {
		return this.jdbc
			.sql("SELECT r.id, r.owner_node, r.lease_epoch, r.lease_until FROM rollout r WHERE " + NEEDS_OWNER
					+ " AND (r.owner_node IS NULL OR r.lease_until < :now OR r.owner_node = :node)" + " ORDER BY r.id")
			.param("now", Timestamp.from(now))
			.param("node", node)
			.query((rs, row) -> new Lease(rs.getLong("id"), rs.getString("owner_node"), rs.getLong("lease_epoch"),
					instant(rs.getTimestamp("lease_until"))))
			.list();
	}

	/**
	 * Takes the lease found as {@code seen}, bumping its epoch; false if another node
	 * moved first.
	 */
	public boolean claim(Lease seen, String node, Instant now, Instant until) {
		return this.jdbc.sql("""
				UPDATE rollout SET owner_node = :node, lease_epoch = lease_epoch + 1, lease_until = :until
				WHERE id = :id AND lease_epoch = :epoch
				  AND (owner_node IS NULL OR lease_until < :now OR owner_node = :node)""")
			.param("node", node)
			.param("now", Timestamp.from(now))
			.param("until", Timestamp.from(until))
			.param("id", seen.rolloutId())
			.param("epoch", seen.epoch())
			.update() == 1;
	}

	public boolean renew(long rolloutId, String node, long epoch, Instant until) {
		return this.jdbc.sql(
				"UPDATE rollout SET lease_until = :until WHERE id = :id AND owner_node = :node AND lease_epoch = :epoch")
			.param("until", Timestamp.from(until))
			.param("id", rolloutId)
			.param("node", node)
			.param("epoch", epoch)
			.update() == 1;
	}

	/**
	 * Inside a transaction: locks the rollout's row, whoever holds the lease; a missing
	 * rollout locks nothing.
	 */
	public void lock(long rolloutId) {
		this.jdbc.sql("SELECT id FROM rollout WHERE id = ? FOR UPDATE").param(rolloutId).query(Long.class).optional();
	}

	/**
	 * Inside a transaction: locks the rollout's row if this node still holds the lease
	 * under this epoch. Whoever takes the lease over waits for the transaction, and every
	 * later one of the old owner finds its epoch gone.
	 */
	public Optional<RolloutState> fence(long rolloutId, String node, long epoch) {
		return this.jdbc
			.sql("SELECT state FROM rollout WHERE id = :id AND owner_node = :node AND lease_epoch = :epoch FOR UPDATE")
			.param("id", rolloutId)
			.param("node", node)
			.param("epoch", epoch)
			.query(String.class)
			.optional()
			.map(RolloutState::valueOf);
	}

	/** Gives the lease up when the rollout has no work left. */
	public boolean release(long rolloutId, String node, long epoch) {
		return this.jdbc
			.sql("UPDATE rollout r SET owner_node = NULL, lease_until = NULL WHERE r.id = :id"
					+ " AND r.owner_node = :node AND r.lease_epoch = :epoch AND NOT " + NEEDS_OWNER)
			.param("id", rolloutId)
			.param("node", node)
			.param("epoch", epoch)
			.update() == 1;
	}

	private static Instant instant(Timestamp timestamp) {
		return timestamp == null ? null : timestamp.toInstant();
	}

	/** A rollout's lease as read. */
	public record Lease(long rolloutId, String owner, long epoch, Instant until) {

	}

}
