package dev.patchwave.orchestrator.window;

import java.time.Duration;
import java.time.Instant;

/**
 * A window or blackout as a change manager writes it: {@code kind} (WINDOW when left
 * out), either {@code cron} (a Quartz cron expression for each opening) or
 * {@code startsAt} (one opening), how long each opening lasts, the time zone the cron
 * expression is read in (UTC when left out), and optionally a label selector limiting it
 * to some targets.
 */
public record WindowRequest(String name, WindowKind kind, String cron, Instant startsAt, Duration duration,
		String timeZone, String selector) {

}
