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

	/** Lets a manual rollout go on to its next wave. */
	void advance(long rolloutId, String actor);

	/** Takes the patch off every target it was installed on, newest wave first. */
	void rollback(long rolloutId, String actor);

}
