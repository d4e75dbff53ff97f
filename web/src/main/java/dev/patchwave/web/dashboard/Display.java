package dev.patchwave.web.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * How the pages write times and durations, called from templates as {@code @display}.
 * Times are in UTC: operators of one fleet sit in several time zones and must read the
 * same clock.
 */
@Component("display")
class Display {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
		.withZone(ZoneOffset.UTC);

	public String time(Instant instant) {
		return instant == null ? "—" : TIME.format(instant);
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

	private static void append(StringBuilder text, long amount, String unit) {
		if (amount > 0) {
			text.append(text.isEmpty() ? "" : " ").append(amount).append(unit);
		}
	}

}
