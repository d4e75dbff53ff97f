package dev.patchwave.orchestrator.window;

/**
 * A maintenance window, in which the rollouts it is attached to may dispatch, or a
 * blackout (a change freeze), in which no rollout may.
 */
public enum WindowKind {

	WINDOW, BLACKOUT

}
