package dev.patchwave.orchestrator.window;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * When one target may be patched: inside one of its windows (unless it has none, when
 * {@code restricted} is false), far enough from the window's end for the install to
 * finish in it (the cutoff), and in no blackout that concerns it, from the start of the
 * install to its expected end.
 */
public record TargetCalendar(boolean restricted, List<MaintenanceWindow> windows, List<MaintenanceWindow> blackouts) {

	/** How many openings are looked through for one that fits, at most. */
	private static final int SEARCH = 200;

	public static final TargetCalendar ANY_TIME = new TargetCalendar(false, List.of(), List.of());

	public TargetCalendar {
		windows = List.copyOf(windows);
		blackouts = List.copyOf(blackouts);
	}

	public boolean isAnyTime() {
		return !this.restricted && this.blackouts.isEmpty();
	}

	/**
	 * Whether an install expected to take {@code work} may start at {@code at}, and if
	 * not, why and when it could.
	 */
	public Verdict at(Instant at, Duration work) {
		if (isAnyTime()) {
			return Verdict.ALLOWED;
		}
		for (MaintenanceWindow blackout : this.blackouts) {
			Optional<Opening> frozen = blackout.openingAt(at);
			if (frozen.isPresent()) {
				return new Verdict(false, blackout.name(), Reason.BLACKOUT, earliestStart(at, work));
			}
			Optional<Opening> next = blackout.nextOpening(at);
			if (next.isPresent() && next.get().start().isBefore(at.plus(work))) {
				return new Verdict(false, blackout.name(), Reason.BLACKOUT_CUTOFF, earliestStart(at, work));
			}
		}
		if (!this.restricted) {
			return Verdict.ALLOWED;
		}
		MaintenanceWindow open = null;
		for (MaintenanceWindow window : this.windows) {
			Optional<Opening> opening = window.openingAt(at);
			if (opening.isPresent() && opening.get().fits(at, work)) {
				return Verdict.ALLOWED;
			}
			open = opening.isPresent() ? window : open;
		}
		Instant next = earliestStart(at, work);
		String name = open != null ? open.name() : firstToFit(at, work);
		return new Verdict(false, name, open != null ? Reason.CUTOFF : Reason.CLOSED, next);
	}

	/**
	 * The earliest time from {@code from} at which the install may start; null if none
	 * can be found, as when every window is shorter than the install.
	 */
	public Instant earliestStart(Instant from, Duration work) {
		Instant candidate = from;
		for (int i = 0; i < SEARCH && candidate != null; i++) {
			Instant fit = this.restricted ? fitInWindows(candidate, work) : candidate;
			if (fit == null) {
				return null;
			}
			Instant thawed = blackoutEnd(fit, work);
			if (thawed == null) {
				return fit;
			}
			candidate = thawed;
		}
		return null;
	}

	private Instant fitInWindows(Instant from, Duration work) {
		Instant best = null;
		for (MaintenanceWindow window : this.windows) {
			Instant fit = fit(window, from, work);
			if (fit != null && (best == null || fit.isBefore(best))) {
				best = fit;
			}
		}
		return best;
	}

	private String firstToFit(Instant from, Duration work) {
		String name = this.windows.isEmpty() ? null : this.windows.get(0).name();
		Instant best = null;
		for (MaintenanceWindow window : this.windows) {
			Instant fit = fit(window, from, work);
			if (fit != null && (best == null || fit.isBefore(best))) {
				best = fit;
				name = window.name();
			}
		}
		return name;
	}

	/** The first time from {@code from} that the window holds the whole install. */
	private static Instant fit(MaintenanceWindow window, Instant from, Duration work) {
		Optional<Opening> opening = window.openingAt(from);
		if (opening.isPresent() && opening.get().fits(from, work)) {
			return from;
		}
		Instant after = from;
		for (int i = 0; i < SEARCH; i++) {
			Optional<Opening> next = window.nextOpening(after);
			if (next.isEmpty()) {
				return null;
			}
			if (next.get().fits(next.get().start(), work)) {
				return next.get().start();
			}
			after = next.get().start();
		}
		return null;
	}

	/**
	 * When the last blackout that the install from {@code start} would run into ends;
	 * null when it runs into none.
	 */
	private Instant blackoutEnd(Instant start, Duration work) {
		Instant end = null;
		for (MaintenanceWindow blackout : this.blackouts) {
			Optional<Opening> hit = blackout.openingAt(start)
				.or(() -> blackout.nextOpening(start).filter(next -> next.start().isBefore(start.plus(work))));
			if (hit.isPresent() && (end == null || hit.get().end().isAfter(end))) {
				end = hit.get().end();
			}
		}
		return end;
	}

	/** Why a target may not start now. */
	public enum Reason {

		/** None of its windows is open. */
		CLOSED,
		/** A window is open, but the install would run past its end. */
		CUTOFF,
		/** A blackout holds. */
		BLACKOUT,
		/** A blackout begins before the install would end. */
		BLACKOUT_CUTOFF

	}

	/**
	 * Whether a target may start; if not, the window or blackout that decides and when it
	 * could start (null: not in any opening found).
	 */
	public record Verdict(boolean allowed, String window, Reason reason, Instant nextStart) {

		static final Verdict ALLOWED = new Verdict(true, null, null, null);

	}

}
