package dev.patchwave.connectors.ssh;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes secrets out of command output before it is kept in a result: the key's passphrase
 * wherever it appears, and the value of anything assigned to a password, token, secret or
 * API key.
 */
final class Redaction {

	static final String REDACTED = "[redacted]";

	private static final Pattern ASSIGNMENT = Pattern
		.compile("(?i)([\\w.-]*(?:password|passwd|pwd|token|secret|api[_-]?key)[\\w.-]*[\"']?\\s*[=:]\\s*)"
				+ "(\"[^\"]*\"|'[^']*'|\\S+)");

	private final String passphrase;

	Redaction(String passphrase) {
		this.passphrase = passphrase;
	}

	String apply(String text) {
		String redacted = (this.passphrase != null) ? text.replace(this.passphrase, REDACTED) : text;
		return ASSIGNMENT.matcher(redacted).replaceAll(match -> Matcher.quoteReplacement(match.group(1) + REDACTED));
	}

}
