package dev.patchwave.web.dashboard;

import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.rollout.HaltPolicy;
import dev.patchwave.orchestrator.InvalidInputException.FieldProblem;
import dev.patchwave.orchestrator.rollout.RolloutRequest;
import dev.patchwave.orchestrator.rollout.RolloutRequest.WaveRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The planning form as typed: every field kept as text, so a page sent back with errors
 * shows what was entered, and turned into the API's request by {@link #request}. Field
 * names are the API's ({@code waves[1].size}), so a problem the API names lands next to
 * its field.
 */
record PlanForm(String name, String patchId, String selector, String advance, String haltPolicy, String bakeTime,
		String notBefore, String deadline, List<String> windows, List<WaveForm> waves) {

	/** The most waves the form offers, as the API allows. */
	static final int MAX_WAVES = 20;

	/** Date and time inputs, read and shown in UTC. */
	private static final DateTimeFormatter LOCAL_INPUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm", Locale.ROOT);

	/** A duration as people write it, and as {@link Display#duration} shows it. */
	private static final Pattern DURATION_PART = Pattern.compile("(\\d+)\\s*([dhms])");

	private static final List<String> SETTINGS = List.of("name", "patchId", "selector", "advance", "haltPolicy",
			"bakeTime", "notBefore", "deadline", "windows", "waves");

	private static final List<String> WAVE_SETTINGS = List.of("name", "size", "maxConcurrency", "failureThreshold",
			"requiresApproval", "selector", "spreadBy");

	PlanForm {
		windows = windows == null ? List.of() : List.copyOf(windows);
		waves = List.copyOf(waves);
	}

	/** One wave as typed. */
	record WaveForm(String name, String size, String maxConcurrency, String failureThreshold, boolean requiresApproval,
			String selector, String spreadBy) {

	}

	/**
	 * A first plan for a patch: every host running it, a canary of one, then the rest
	 * five at a time, halting on the first failure.
	 */
	static PlanForm start(Patch patch, String appliesTo) {
		return new PlanForm(patch.title() + " rollout", patch.id(), appliesTo, AdvanceMode.AUTO.name(),
				HaltPolicy.PAUSE.name(), "30m", "", "", List.of(),
				List.of(new WaveForm("canary", "1", "1", "0", false, "", ""),
						new WaveForm("rest", "100%", "5", "0", false, "", "")));
	}

	/** A stored draft's plan, to edit. */
	static PlanForm of(RolloutRequest plan, Display display) {
		return new PlanForm(plan.name(), plan.patchId(), plan.selector(), plan.advance().name(),
				plan.haltPolicy().name(), display.duration(plan.bakeTime()), input(plan.notBefore()),
				input(plan.deadline()), plan.windows(),
				plan.waves()
					.stream()
					.map(wave -> new WaveForm(wave.name(), wave.size(), String.valueOf(wave.maxConcurrency()),
							wave.failureThreshold(), Boolean.TRUE.equals(wave.requiresApproval()),
							text(wave.selector()), text(wave.spreadBy())))
					.toList());
	}

	/** The form from posted parameters; waves are read by index until one is missing. */
	static PlanForm of(Map<String, String[]> parameters) {
		Function<String, String> value = key -> {
			String[] values = parameters.get(key);
			return values == null || values.length == 0 ? "" : values[0];
		};
		List<WaveForm> waves = new ArrayList<>();
		for (int i = 0; i < MAX_WAVES && parameters.containsKey("waves[%d].name".formatted(i)); i++) {
			String at = "waves[%d].".formatted(i);
			waves.add(
					new WaveForm(value.apply(at + "name"), value.apply(at + "size"), value.apply(at + "maxConcurrency"),
							value.apply(at + "failureThreshold"), parameters.containsKey(at + "requiresApproval"),
							value.apply(at + "selector"), value.apply(at + "spreadBy")));
		}
		String[] windows = parameters.get("windows");
		return new PlanForm(value.apply("name"), value.apply("patchId"), value.apply("selector"),
				value.apply("advance"), value.apply("haltPolicy"), value.apply("bakeTime"), value.apply("notBefore"),
				value.apply("deadline"), windows == null ? List.of() : List.of(windows), waves);
	}

	PlanForm withWave() {
		if (this.waves.size() >= MAX_WAVES) {
			return this;
		}
		List<WaveForm> more = new ArrayList<>(this.waves);
		more.add(new WaveForm("wave " + (this.waves.size() + 1), "100%", "5", "0", false, "", ""));
		return new PlanForm(this.name, this.patchId, this.selector, this.advance, this.haltPolicy, this.bakeTime,
				this.notBefore, this.deadline, this.windows, more);
	}

	PlanForm withoutWave(int position) {
		if (position < 0 || position >= this.waves.size()) {
			return this;
		}
		List<WaveForm> fewer = new ArrayList<>(this.waves);
		fewer.remove(position);
		return new PlanForm(this.name, this.patchId, this.selector, this.advance, this.haltPolicy, this.bakeTime,
				this.notBefore, this.deadline, this.windows, fewer);
	}

	/**
	 * The API's request, and the problems of fields the form reads itself (durations,
	 * times, choices); everything else the API checks, naming the same fields.
	 */
	Converted request() {
		List<FieldProblem> problems = new ArrayList<>();
		AdvanceMode advanceMode = choice("advance", this.advance, AdvanceMode.class, problems);
		HaltPolicy policy = choice("haltPolicy", this.haltPolicy, HaltPolicy.class, problems);
		Duration bake = duration(problems);
		Instant start = instant("notBefore", this.notBefore, problems);
		Instant due = instant("deadline", this.deadline, problems);
		List<WaveRequest> requests = this.waves.stream()
			.map(wave -> new WaveRequest(wave.name(), blankAsNull(wave.size()), wholeNumber(wave.maxConcurrency()),
					blankAsNull(wave.failureThreshold()), wave.requiresApproval(), blankAsNull(wave.selector()),
					blankAsNull(wave.spreadBy())))
			.toList();
		return new Converted(new RolloutRequest(this.name, this.patchId, this.selector, advanceMode, bake, start,
				requests, policy, this.windows, due), problems);
	}

	/** A request and the problems found turning the form into it. */
	record Converted(RolloutRequest request, List<FieldProblem> problems) {

	}

	/** Every field the form shows, each of which may carry a problem. */
	public List<String> fields() {
		List<String> fields = new ArrayList<>(SETTINGS);
		for (int i = 0; i < this.waves.size(); i++) {
			for (String setting : WAVE_SETTINGS) {
				fields.add("waves[%d].%s".formatted(i, setting));
			}
		}
		return fields;
	}

	/**
	 * The id of the element that shows a field's problem: ids avoid brackets and dots.
	 */
	static String slot(String field) {
		return "problem-" + field.replaceAll("[^A-Za-z0-9]", "-");
	}

	private Duration duration(List<FieldProblem> problems) {
		String text = this.bakeTime == null ? "" : this.bakeTime.strip().toLowerCase(Locale.ROOT);
		if (text.isEmpty() || text.equals("none") || text.equals("0")) {
			return Duration.ZERO;
		}
		try {
			if (text.startsWith("p")) {
				return Duration.parse(text.toUpperCase(Locale.ROOT));
			}
			Matcher part = DURATION_PART.matcher(text);
			Duration total = Duration.ZERO;
			int end = 0;
			while (part.find() && text.substring(end, part.start()).isBlank()) {
				long amount = Long.parseLong(part.group(1));
				total = total.plus(switch (part.group(2)) {
					case "d" -> Duration.ofDays(amount);
					case "h" -> Duration.ofHours(amount);
					case "m" -> Duration.ofMinutes(amount);
					default -> Duration.ofSeconds(amount);
				});
				end = part.end();
			}
			if (end > 0 && text.substring(end).isBlank()) {
				return total;
			}
		}
		catch (DateTimeParseException | NumberFormatException | ArithmeticException ex) {
			// told below, like any other text that is no duration
		}
		problems.add(new FieldProblem("bakeTime",
				"'%s' is not a duration such as 30m, 1h 30m or PT45S".formatted(this.bakeTime)));
		return null;
	}

	private static Instant instant(String field, String text, List<FieldProblem> problems) {
		if (text == null || text.isBlank()) {
			return null;
		}
		try {
			return LocalDateTime.parse(text.strip(), LOCAL_INPUT).toInstant(ZoneOffset.UTC);
		}
		catch (DateTimeParseException ex) {
			problems.add(new FieldProblem(field,
					"'%s' is not a date and time in UTC such as 2026-01-14T22:00".formatted(text)));
			return null;
		}
	}

	private static <E extends Enum<E>> E choice(String field, String text, Class<E> type, List<FieldProblem> problems) {
		if (text == null || text.isBlank()) {
			return null;
		}
		try {
			return Enum.valueOf(type, text);
		}
		catch (IllegalArgumentException ex) {
			problems.add(
					new FieldProblem(field, "'%s' is not one of %s".formatted(text, List.of(type.getEnumConstants()))));
			return null;
		}
	}

	/** A count that is not a whole number is left out: the API says what it must be. */
	private static Integer wholeNumber(String text) {
		if (text == null) {
			return null;
		}
		try {
			return Integer.valueOf(text.strip());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static String blankAsNull(String text) {
		return text == null || text.isBlank() ? null : text.strip();
	}

	private static String text(String value) {
		return value == null ? "" : value;
	}

	private static String input(Instant instant) {
		return instant == null ? "" : LOCAL_INPUT.format(instant.atOffset(ZoneOffset.UTC));
	}

}
