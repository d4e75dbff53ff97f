package dev.patchwave.common.target;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Picks targets by their labels, in the style of Kubernetes equality selectors:
 * comma-separated requirements that must all hold. {@code key=value} (or
 * {@code key==value}), {@code key!=value}, {@code key} (the label is present) and
 * {@code !key} (absent).
 */
public final class LabelSelector {

	private static final Pattern REQUIREMENT = Pattern
		.compile("\\s*(!)?\\s*([A-Za-z0-9_./-]+)\\s*(?:(==|=|!=)\\s*([A-Za-z0-9_./-]*))?\\s*");

	private final String text;

	private final List<Requirement> requirements;

	private LabelSelector(String text, List<Requirement> requirements) {
		this.text = text;
		this.requirements = List.copyOf(requirements);
	}

	public static LabelSelector parse(String text) {
		if (text == null || text.isBlank()) {
			throw new IllegalArgumentException("must not be empty; use labels like \"app=apex-central,env=prod\"");
		}
		List<Requirement> requirements = new ArrayList<>();
		for (String part : text.split(",", -1)) {
			Matcher matcher = REQUIREMENT.matcher(part);
			if (!matcher.matches()) {
				throw new IllegalArgumentException(
						"'%s' is not a label requirement like key=value, key!=value, key or !key"
							.formatted(part.trim()));
			}
			boolean negated = matcher.group(1) != null;
			String key = matcher.group(2);
			String operator = matcher.group(3);
			if (negated && operator != null) {
				throw new IllegalArgumentException("'%s' mixes ! with an operator".formatted(part.trim()));
			}
			if (operator == null) {
				requirements.add(new Requirement(key, negated ? Operator.ABSENT : Operator.PRESENT, null));
			}
			else {
				requirements.add(new Requirement(key, operator.equals("!=") ? Operator.NOT_EQUALS : Operator.EQUALS,
						matcher.group(4)));
			}
		}
		return new LabelSelector(text.trim(), requirements);
	}

	public boolean matches(Map<String, String> labels) {
		return this.requirements.stream().allMatch(requirement -> requirement.matches(labels));
	}

	@Override
	public String toString() {
		return this.text;
	}

	private enum Operator {

		EQUALS, NOT_EQUALS, PRESENT, ABSENT

	}

	private record Requirement(String key, Operator operator, String value) {

		boolean matches(Map<String, String> labels) {
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
