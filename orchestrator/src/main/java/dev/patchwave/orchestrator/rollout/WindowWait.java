package dev.patchwave.orchestrator.rollout;

import dev.patchwave.orchestrator.window.TargetCalendar;
import java.time.Instant;

/**
 * A window or blackout that holds targets of the running wave back, why, and when the
 * first of them may start (null: in no opening found).
 */
public record WindowWait(String window, TargetCalendar.Reason reason, Instant nextOpening, int targets) {

}
