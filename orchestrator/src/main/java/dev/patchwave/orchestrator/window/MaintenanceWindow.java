package dev.patchwave.orchestrator.window;

import dev.patchwave.common.target.LabelSelector;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * A named window or blackout: it opens at each fire time of a Quartz cron expression
 * (seconds first, e.g. {@code 0 0 22 ? * SAT} for Saturdays at 22:00) in its time zone,
 * or once at {@code startsAt}, and stays open for its duration. A selector limits it to
 * the targets whose labels match.
 */
public final class MaintenanceWindow {

	/**
	 * How many overlapping openings are joined into one at most; beyond it an opening
	 * ends early, which only makes dispatch more careful.
	 */
	private static final int MAX_JOINED = 1000;

	private final long id;

	private final String name;

	private final WindowKind kind;

	private final String cron;

	private final Instant startsAt;

	private final Duration duration;

	private final ZoneId timeZone;

	private final LabelSelector selector;

	/** Quartz's expression keeps state while it computes, so calls are serialised. */
	private final CronExpression expression;

	public MaintenanceWindow(long id, String name, WindowKind kind, String cron, Instant startsAt, Duration duration,
			ZoneId timeZone, LabelSelector selector) {
		this.id = id;
		this.name = name;
		this.kind = kind;
		this.cron = cron;
		this.startsAt = startsAt;
		this.duration = duration;
		this.timeZone = timeZone;
		this.selector = selector;
		this.expression = cron == null ? null : parse(cron, timeZone);
	}

	/**
	 * Reads a Quartz cron expression in the given zone.
	 * @throws IllegalArgumentException naming the fault
	 */
	public static CronExpression parse(String cron, ZoneId zone) {
		try {
			CronExpression expression = new CronExpression(cron);
			expression.setTimeZone(TimeZone.getTimeZone(zone));
			return expression;
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException(
					"'%s' is not a Quartz cron expression (seconds minutes hours ".formatted(cron)
							+ "day-of-month month day-of-week [year], e.g. \"0 0 22 ? * SAT\"): " + ex.getMessage());
		}
	}

	/** The opening that holds {@code at}, if the window is open then. */
	public Optional<Opening> openingAt(Instant at) {
		if (this.expression == null) {
			Opening once = new Opening(this.startsAt, this.startsAt.plus(this.duration));
			return once.contains(at) ? Optional.of(once) : Optional.empty();
		}
		Instant first = fireAfter(at.minus(this.duration));
		if (first == null || first.isAfter(at)) {
			return Optional.empty();
		}
		return Optional.of(joined(first));
	}

	/** The first opening that starts after {@code at}. */
	public Optional<Opening> nextOpening(Instant at) {
		if (this.expression == null) {
			return this.startsAt.isAfter(at)
					? Optional.of(new Opening(this.startsAt, this.startsAt.plus(this.duration))) : Optional.empty();
		}
		Instant next = fireAfter(at);
		return next == null ? Optional.empty() : Optional.of(joined(next));
	}

	/**
	 * The opening from {@code start}, joined with the openings that begin before it
	 * closes, so a window longer than its period reads as open throughout.
	 */
	private Opening joined(Instant start) {
		Instant end = start.plus(this.duration);
		Instant fire = start;
		for (int i = 0; i < MAX_JOINED; i++) {
			fire = fireAfter(fire);
			if (fire == null || fire.isAfter(end)) {
				break;
			}
			end = fire.plus(this.duration);
		}
		return new Opening(start, end);
	}

	private Instant fireAfter(Instant at) {
		Date next;
		synchronized (this.expression) {
			next = this.expression.getNextValidTimeAfter(Date.from(at));
		}
		return next == null ? null : next.toInstant();
	}

	/** Whether it concerns a target with these labels. */
	public boolean appliesTo(Map<String, String> labels) {
		return this.selector == null || this.selector.matches(labels);
	}

	public boolean isScoped() {
		return this.selector != null;
	}

	public long id() {
		return this.id;
	}

	public String name() {
		return this.name;
	}

	public WindowKind kind() {
		return this.kind;
	}

	public String cron() {
		return this.cron;
	}

	public Instant startsAt() {
		return this.startsAt;
	}

	public Duration duration() {
		return this.duration;
	}

	public ZoneId timeZone() {
		return this.timeZone;
	}

	public LabelSelector selector() {
		return this.selector;
	}

}
