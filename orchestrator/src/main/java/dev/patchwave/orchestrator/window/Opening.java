package dev.patchwave.orchestrator.window;

import java.time.Duration;
import java.time.Instant;

/** One opening of a window: from {@code start}, inclusive, to {@code end}, exclusive. */
public record Opening(Instant start, Instant end) {

	public boolean contains(Instant at) {
		return !at.isBefore(this.start) && at.isBefore(this.end);
	}

	/** Whether work of the given length, started at {@code at}, ends within it. */
	public boolean fits(Instant at, Duration work) {
		return contains(at) && !at.plus(work).isAfter(this.end);
	}

}
