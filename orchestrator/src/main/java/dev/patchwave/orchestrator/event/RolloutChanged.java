package dev.patchwave.orchestrator.event;

/** Published after a rollout's state was committed, so live views can refresh. */
public record RolloutChanged(long rolloutId) {

}
