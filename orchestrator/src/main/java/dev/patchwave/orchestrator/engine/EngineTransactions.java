package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.orchestrator.rollout.RolloutLeases;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The transactions the engine writes a rollout's decisions in: each decision is committed
 * before it is acted on, and each is fenced, so it commits only while this node holds the
 * rollout's lease.
 */
@Component
class EngineTransactions {

	private final TransactionTemplate tx;

	private final Ownership ownership;

	private final RolloutLeases leases;

	EngineTransactions(TransactionTemplate tx, Ownership ownership, RolloutLeases leases) {
		this.tx = tx;
		this.ownership = ownership;
		this.leases = leases;
	}

	void run(long rolloutId, Runnable action) {
		call(rolloutId, () -> {
			action.run();
			return null;
		});
	}

	<T> T call(long rolloutId, Supplier<T> action) {
		return this.tx.execute(status -> {
			this.ownership.fence(rolloutId);
			return action.get();
		});
	}

	/**
	 * Runs the action only while the rollout runs, as read under the lock the fence
	 * takes: a pause, abort or rollback committed by another node a moment before stops
	 * new work here. Answers {@code otherwise} when it does not run.
	 */
	<T> T callWhileRunning(long rolloutId, Supplier<T> action, T otherwise) {
		return decide(rolloutId, state -> state == RolloutState.RUNNING ? action.get() : otherwise);
	}

	/**
	 * Runs a decision that depends on the rollout's state, read under the fence's lock.
	 */
	<T> T decide(long rolloutId, Function<RolloutState, T> decision) {
		return this.tx.execute(status -> decision.apply(this.ownership.fence(rolloutId)));
	}

	/**
	 * An operator's command, which any node accepts: it changes the rollout's own state,
	 * guarded by the state it leaves, and the owning node carries out the rest. It takes
	 * the rollout's row lock first, as the owner's transactions do, so the two never
	 * interleave their writes to the rollout's targets.
	 */
	void command(long rolloutId, Runnable action) {
		this.tx.executeWithoutResult(status -> {
			this.leases.lock(rolloutId);
			action.run();
		});
	}

}
