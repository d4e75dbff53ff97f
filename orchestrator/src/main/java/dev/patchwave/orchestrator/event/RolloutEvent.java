package dev.patchwave.orchestrator.event;

import java.time.Instant;

/**
 * One entry of a rollout's journal: what happened, when, by whom, and to which wave or
 * target.
 */
public record RolloutEvent(long id, long rolloutId, Instant at, String actor, String type, Integer wave, String target,
		String message) {

}
