package dev.patchwave.orchestrator.window;

import java.time.Duration;
import java.time.Instant;

/**
 * A window as clients see it, with whether it is open now and its current or next
 * opening.
 */
public record WindowView(String name, WindowKind kind, String cron, Instant startsAt, Duration duration,
		String timeZone, String selector, boolean open, Opening opening) {

	static WindowView of(MaintenanceWindow window, Instant now) {
		Opening current = window.openingAt(now).orElse(null);
		return new WindowView(window.name(), window.kind(), window.cron(), window.startsAt(), window.duration(),
				window.timeZone().getId(), window.selector() == null ? null : window.selector().toString(),
				current != null, current != null ? current : window.nextOpening(now).orElse(null));
	}

}
