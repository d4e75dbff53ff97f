package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.orchestrator.event.EventJournal;
import dev.patchwave.orchestrator.rollout.RolloutLeases;
import dev.patchwave.orchestrator.rollout.RolloutLeases.Lease;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Which rollouts this node advances. A node owns a rollout by a lease in the database,
 * renewed by heartbeat; it takes over the rollouts of a node whose leases expired, and
 * fences every write with the epoch it holds.
 */
@Component
class Ownership {

	private static final Logger log = LoggerFactory.getLogger(Ownership.class);

	private final RolloutLeases leases;

	private final EventJournal journal;

	private final EngineProperties properties;

	private final Clock clock;

	private final String node;

	/** The epoch under which this node holds each rollout it owns. */
	private final Map<Long, Long> epochs = new ConcurrentHashMap<>();

	Ownership(RolloutLeases leases, EventJournal journal, EngineProperties properties, Clock clock) {
		this.leases = leases;
		this.journal = journal;
		this.properties = properties;
		this.clock = clock;
		this.node = (properties.nodeId() == null || properties.nodeId().isBlank()) ? defaultNodeId()
				: properties.nodeId();
	}

	String node() {
		return this.node;
	}

	Set<Long> owned() {
		return Set.copyOf(this.epochs.keySet());
	}

	boolean owns(long rolloutId) {
		return this.epochs.containsKey(rolloutId);
	}

	/**
	 * Owns the rollout, taking its lease if it is free or expired: says whether it was
	 * owned already, is taken now (its calls in flight must be asked about first), or is
	 * held by a live node.
	 */
	Acquired acquire(long rolloutId) {
		if (owns(rolloutId)) {
			return Acquired.ALREADY;
		}
		boolean taken = this.leases.claimable(this.node, this.clock.instant())
			.stream()
			.filter(lease -> lease.rolloutId() == rolloutId)
			.anyMatch(this::claim);
		return taken ? Acquired.TAKEN : Acquired.HELD_ELSEWHERE;
	}

	/** What {@link #acquire} found. */
	enum Acquired {

		ALREADY, TAKEN, HELD_ELSEWHERE

	}

	/**
	 * Takes every rollout with work whose lease is free or expired; returns those taken.
	 */
	List<Long> takeOver() {
		List<Long> taken = new ArrayList<>();
		for (Lease lease : this.leases.claimable(this.node, this.clock.instant())) {
			if (!owns(lease.rolloutId()) && claim(lease)) {
				taken.add(lease.rolloutId());
			}
		}
		return taken;
	}

	/** Renews every lease held; a lease another node took meanwhile is dropped. */
	void renew() {
		Instant until = this.clock.instant().plus(this.properties.leaseDuration());
		this.epochs.forEach((rolloutId, epoch) -> {
			if (!this.leases.renew(rolloutId, this.node, epoch, until)) {
				forget(rolloutId);
			}
		});
	}

	/**
	 * Within a transaction: refuses to go on unless this node still holds the lease;
	 * answers the rollout's state, read under the row lock, so a command another node
	 * committed first is seen.
	 */
	RolloutState fence(long rolloutId) {
		Long epoch = this.epochs.get(rolloutId);
		Optional<RolloutState> state = epoch == null ? Optional.empty()
				: this.leases.fence(rolloutId, this.node, epoch);
		if (state.isEmpty()) {
			forget(rolloutId);
			throw new LeaseLostException(rolloutId, this.node);
		}
		return state.get();
	}

	/** Gives the lease up if the rollout has no work left; says whether it did. */
	boolean releaseIfDone(long rolloutId) {
		Long epoch = this.epochs.get(rolloutId);
		if (epoch != null && this.leases.release(rolloutId, this.node, epoch)) {
			this.epochs.remove(rolloutId);
			log.info("Rollout {} has no work left; node {} released it", rolloutId, this.node);
			return true;
		}
		return false;
	}

	private boolean claim(Lease lease) {
		Instant now = this.clock.instant();
		if (!this.leases.claim(lease, this.node, now, now.plus(this.properties.leaseDuration()))) {
			return false;
		}
		this.epochs.put(lease.rolloutId(), lease.epoch() + 1);
		if (lease.owner() != null && !lease.owner().equals(this.node)) {
			this.journal.append(lease.rolloutId(), EventJournal.ENGINE, "TAKEN_OVER",
					"Node %s took the rollout over from node %s, whose lease expired at %s; it asks the connectors what became of the calls in flight"
						.formatted(this.node, lease.owner(), lease.until()));
			log.warn("Node {} took rollout {} over from node {} (lease expired at {})", this.node, lease.rolloutId(),
					lease.owner(), lease.until());
		}
		return true;
	}

	private void forget(long rolloutId) {
		if (this.epochs.remove(rolloutId) != null) {
			log.warn("Node {} lost the lease of rollout {}: another node advances it now", this.node, rolloutId);
		}
	}

	private static String defaultNodeId() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			host = "node";
		}
		return host + "-" + UUID.randomUUID().toString().substring(0, 6);
	}

}
