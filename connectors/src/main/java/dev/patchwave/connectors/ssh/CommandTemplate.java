package dev.patchwave.connectors.ssh;

import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.target.Target;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A command with {@code {{variable}}} placeholders. Every value is substituted as one
 * quoted word of the target's shell, so that a label or name holding quotes, semicolons
 * or {@code $(...)} stays data and can never become a command.
 */
record CommandTemplate(String text) {

	private static final List<String> NAMES = List.of("target.name", "target.address", "patch.id", "patch.fixedVersion",
			"key");

	private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");

	private static final String LABEL = "label.";

	CommandTemplate {
		Objects.requireNonNull(text, "text");
	}

	/**
	 * @throws IllegalArgumentException naming the first variable that is not known
	 */
	static CommandTemplate parse(String text) {
		Matcher matcher = VARIABLE.matcher(text);
		while (matcher.find()) {
			String name = matcher.group(1);
			if (!NAMES.contains(name) && !(name.startsWith(LABEL) && name.length() > LABEL.length())) {
				throw new IllegalArgumentException("unknown variable '{{%s}}'; known variables: %s, label.<key>"
					.formatted(name, String.join(", ", NAMES)));
			}
		}
		return new CommandTemplate(text);
	}

	/**
	 * The values of the variables for one target and patch, labels under
	 * {@code label.<key>}.
	 */
	static Map<String, String> variables(Target target, Patch patch, String idempotencyKey) {
		Map<String, String> values = new HashMap<>();
		target.labels().forEach((key, value) -> values.put(LABEL + key, value));
		values.put("target.name", target.name());
		values.put("target.address", Objects.toString(target.address(), ""));
		values.put("patch.id", patch.id());
		values.put("patch.fixedVersion", patch.fixedVersion().toString());
		values.put("key", idempotencyKey);
		return values;
	}

	/**
	 * The command with every variable replaced by its quoted value.
	 * @throws IllegalArgumentException when the target lacks a label the template uses
	 */
	String render(Map<String, String> values, Shell shell) {
		return VARIABLE.matcher(this.text).replaceAll(match -> {
			String value = values.get(match.group(1));
			if (value == null) {
				throw new IllegalArgumentException("the target has no label '%s', which the command uses"
					.formatted(match.group(1).substring(LABEL.length())));
			}
			return Matcher.quoteReplacement(shell.quote(value));
		});
	}

}
