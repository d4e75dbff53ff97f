package dev.patchwave.orchestrator.rollout;

/**
 * What operators can do to a rollout. The engine carries these out; this package only
 * names them, so that planning and views never depend on the engine.
 */
public interface RolloutOperations {

	/** Starts a draft rollout now, or schedules it for its not-before time. */
	void start(long rolloutId, String actor);

	/** Stops dispatching; targets in flight finish and are recorded. */
	void pause(long rolloutId, String actor);

	/**
	 * Resumes a paused or halted rollout; resuming a halted wave acknowledges its
	 * failures so far.
	 */
	void resume(long rolloutId, String actor);

	/** Ends a rollout for good; targets in flight finish and are recorded. */
	void abort(long rolloutId, String actor);

	/** Approves the first wave waiting for an approval, without a comment. */
	void advance(long rolloutId, String actor);

	/**
	 * Resumes a halted rollout with its halted wave's failure threshold raised to
	 * {@code failureThreshold}, for the reason given.
	 */
	void resume(long rolloutId, String actor, String failureThreshold, String reason);

	/**
	 * Lets a wave that waits for an approval start; the approver is a change manager
	 * other than the rollout's creator.
	 */
	void approve(long rolloutId, int wave, String actor, String comment);

	/** Refuses a wave that waits for an approval: the rollout halts. */
	void reject(long rolloutId, int wave, String actor, String comment);

	/**
	 * Tries the failed targets of the rollout, or of one wave, again: each a new attempt
	 * under a new key.
	 */
	void retryFailed(long rolloutId, Integer wave, String actor);

	/**
	 * Leaves a target out of the rollout for a reason; it stays exposed and is counted
	 * so.
	 */
	void skip(long rolloutId, String target, String actor, String reason);

	/** Takes the patch off every target it was installed on, newest wave first. */
	void rollback(long rolloutId, String actor);

}
