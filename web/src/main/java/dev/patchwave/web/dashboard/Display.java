package dev.patchwave.web.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * How the pages write times, durations and states, called from templates as
 * {@code @display}. Times are rendered in UTC inside {@code <time datetime>}; the page's
 * script rewrites them in the reader's own time zone and in words ("3 minutes ago"), so
 * the UTC text is what a reader without script, or a printout, sees.
 */
@Component("display")
public class Display {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
		.withZone(ZoneOffset.UTC);

	private final Clock clock;

	public Display(Clock clock) {
		this.clock = clock;
	}

	public String time(Instant instant) {
		return instant == null ? "—" : TIME.format(instant) + " UTC";
	}

	/**
	 * An instant relative to now, for messages:
	 * {@code in 5 minutes (2026-01-07 10:00 UTC)}.
	 */
	public String words(Instant instant) {
		if (instant == null) {
			return "—";
		}
		Duration away = Duration.between(this.clock.instant(), instant);
		if (away.abs().getSeconds() == 0) {
			return "now (" + time(instant) + ")";
		}
		String span = duration(away.abs().withNanos(0));
		return (away.isNegative() ? span + " ago" : "in " + span) + " (" + time(instant) + ")";
	}

	/** {@code COMPLETED_WITH_FAILURES} as {@code Completed with failures}. */
	public String words(Enum<?> state) {
		if (state == null) {
			return "—";
		}
		String text = state.name().replace('_', ' ').toLowerCase(Locale.ROOT);
		return Character.toUpperCase(text.charAt(0)) + text.substring(1);
	}

	/** {@code PT1H30M} as {@code 1h 30m}; {@code PT0S} as {@code none}. */
	public String duration(Duration duration) {
		if (duration == null || duration.isZero()) {
			return "none";
		}
		StringBuilder text = new StringBuilder();
		append(text, duration.toDaysPart(), "d");
		append(text, duration.toHoursPart(), "h");
		append(text, duration.toMinutesPart(), "m");
		append(text, duration.toSecondsPart(), "s");
		return text.isEmpty() ? duration.toMillis() + "ms" : text.toString();
	}

	/**
	 * The end of a long text, where installers write why they failed; {@code max}
	 * characters at most.
	 */
	public String tail(String text, int max) {
		if (text == null || text.length() <= max) {
			return text;
		}
		return "…" + text.substring(text.length() - max + 1);
	}

	private static void append(StringBuilder text, long amount, String unit) {
		if (amount > 0) {
			text.append(text.isEmpty() ? "" : " ").append(amount).append(unit);
		}
	}

}
