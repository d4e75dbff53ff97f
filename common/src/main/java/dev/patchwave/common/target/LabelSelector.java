package dev.patchwave.common.target;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Picks targets by their labels, in the style of Kubernetes equality selectors:
 * comma-separated requirements that must all hold. {@code key=value} (or
 * {@code key==value}), {@code key!=value}, {@code key} (the label is present) and
 * {@code !key} (absent).
 *
 * <p>
 * Selectors come from API clients, so {@link #parse} reads them in one pass over the
 * text, never backtracking, and refuses text longer than {@link #MAX_LENGTH} before
 * reading it. Any text that is not a selector ends in an {@link IllegalArgumentException}
 * saying why; nothing else is thrown.
 */
public final class LabelSelector {

	/** The longest selector accepted, in characters: what a rollout stores. */
	public static final int MAX_LENGTH = 1000;

	private final String text;

	private final List<Requirement> requirements;

	private LabelSelector(String text, List<Requirement> requirements) {
		this.text = text;
		this.requirements = List.copyOf(requirements);
	}

	/**
	 * Parses a selector.
	 * @param text the selector, e.g. {@code app=apex-central,env!=staging,!simulate}
	 * @return the selector
	 * @throws IllegalArgumentException if the text is empty, longer than
	 * {@link #MAX_LENGTH} or not a selector, with a message naming the fault
	 */
	public static LabelSelector parse(String text) {
		if (text == null || text.isBlank()) {
			throw new IllegalArgumentException("must not be empty; use labels like \"app=apex-central,env=prod\"");
		}
		if (text.length() > MAX_LENGTH) {
			throw new IllegalArgumentException("at most %d characters, got %d".formatted(MAX_LENGTH, text.length()));
		}
		List<Requirement> requirements = new ArrayList<>();
		int start = 0;
		while (true) {
			int comma = text.indexOf(',', start);
			int end = comma < 0 ? text.length() : comma;
			requirements.add(requirement(text, start, end));
			if (comma < 0) {
				return new LabelSelector(text.trim(), requirements);
			}
			start = comma + 1;
		}
	}

	/**
	 * Reads one requirement from {@code text[start, end)}: each character is looked at a
	 * bounded number of times, so parsing is linear in the length of the text.
	 */
	private static Requirement requirement(String text, int start, int end) {
		int at = skipSpace(text, start, end);
		boolean negated = at < end && text.charAt(at) == '!';
		if (negated) {
			at = skipSpace(text, at + 1, end);
		}
		int keyEnd = skipName(text, at, end);
		if (keyEnd == at) {
			throw notARequirement(text, start, end);
		}
		String key = text.substring(at, keyEnd);
		at = skipSpace(text, keyEnd, end);
		if (at == end) {
			return new Requirement(key, negated ? Operator.ABSENT : Operator.PRESENT, null);
		}
		Operator operator;
		if (text.startsWith("!=", at)) {
			operator = Operator.NOT_EQUALS;
			at += 2;
		}
		else if (text.startsWith("==", at)) {
			operator = Operator.EQUALS;
			at += 2;
		}
		else if (text.charAt(at) == '=') {
			operator = Operator.EQUALS;
			at += 1;
		}
		else {
			throw notARequirement(text, start, end);
		}
		at = skipSpace(text, at, end);
		int valueEnd = skipName(text, at, end);
		if (skipSpace(text, valueEnd, end) != end) {
			throw notARequirement(text, start, end);
		}
		if (negated) {
			throw new IllegalArgumentException(
					"'%s' mixes ! with an operator".formatted(text.substring(start, end).trim()));
		}
		return new Requirement(key, operator, text.substring(at, valueEnd));
	}

	private static IllegalArgumentException notARequirement(String text, int start, int end) {
		return new IllegalArgumentException("'%s' is not a label requirement like key=value, key!=value, key or !key"
			.formatted(text.substring(start, end).trim()));
	}

	private static int skipSpace(String text, int at, int end) {
		while (at < end && isSpace(text.charAt(at))) {
			at++;
		}
		return at;
	}

	private static int skipName(String text, int at, int end) {
		while (at < end && isNameChar(text.charAt(at))) {
			at++;
		}
		return at;
	}

	// the whitespace of java.util.regex's \s, which the selector syntax has always
	// allowed
	private static boolean isSpace(char c) {
		return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
	}

	private static boolean isNameChar(char c) {
		return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
				|| c == '/' || c == '-';
	}

	public boolean matches(Map<String, String> labels) {
		return this.requirements.stream().allMatch(requirement -> requirement.matches(labels));
	}

	/**
	 * The requirements, all of which must hold; for translating the selector into a query
	 * that must select exactly what {@link #matches} accepts.
	 */
	public List<Requirement> requirements() {
		return this.requirements;
	}

	@Override
	public String toString() {
		return this.text;
	}

	/**
	 * How a requirement tests its label: {@code NOT_EQUALS} also holds when the label is
	 * absent.
	 */
	public enum Operator {

		EQUALS, NOT_EQUALS, PRESENT, ABSENT

	}

	/**
	 * One requirement: the label's key, the operator and, for EQUALS and NOT_EQUALS, the
	 * value (possibly empty); null otherwise.
	 */
	public record Requirement(String key, Operator operator, String value) {

		public boolean matches(Map<String, String> labels) {
			String actual = labels.get(this.key);
			return switch (this.operator) {
				case EQUALS -> this.value.equals(actual);
				case NOT_EQUALS -> !this.value.equals(actual);
				case PRESENT -> actual != null;
				case ABSENT -> actual == null;
			};
		}

	}

}
