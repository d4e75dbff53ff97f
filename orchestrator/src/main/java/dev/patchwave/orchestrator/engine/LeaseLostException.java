package dev.patchwave.orchestrator.engine;

/**
 * This node no longer holds a rollout's lease: another node advances it now, so this one
 * must change nothing of it.
 */
class LeaseLostException extends RuntimeException {

	LeaseLostException(long rolloutId, String node) {
		super("Node %s no longer owns rollout %d; another node advances it".formatted(node, rolloutId));
	}

}
