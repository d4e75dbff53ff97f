package dev.patchwave.connectors.awx;

import dev.patchwave.common.connector.InvalidConnectorConfigException;
import dev.patchwave.connectors.resilience.ResilienceSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * How to reach one AWX and which job templates install and roll back. Only the syntax is
 * checked here: whether the templates exist and the token is accepted is for
 * {@link AwxConnector#test()}.
 *
 * @param url the AWX base URL, without a trailing slash; the API lives under
 * {@code /api/v2/} below it
 * @param token the OAuth2 token sent as a bearer token; never logged nor put in messages
 * @param installJobTemplate the job template that installs, by numeric id or exact name
 * @param rollbackJobTemplate the job template that rolls back, by numeric id or exact
 * name, if any
 * @param pollInterval how long to wait between two reads of a running job
 * @param jobTimeout how long a job may run before it is cancelled and its hosts fail
 * @param maxBatchSize the most hosts in one job
 * @param versionFact the Ansible fact, as a dotted path, that holds the product version,
 * if any
 * @param resilience how calls to AWX are limited, retried and cut off
 */
record AwxSettings(URI url, String token, String installJobTemplate, Optional<String> rollbackJobTemplate,
		Duration pollInterval, Duration jobTimeout, int maxBatchSize, Optional<String> versionFact,
		ResilienceSettings resilience) {

	static final String URL = "url";

	static final String TOKEN = "token";

	static final String INSTALL_JOB_TEMPLATE = "installJobTemplate";

	static final String ROLLBACK_JOB_TEMPLATE = "rollbackJobTemplate";

	static final String POLL_INTERVAL = "pollInterval";

	static final String JOB_TIMEOUT = "jobTimeout";

	static final String MAX_BATCH_SIZE = "maxBatchSize";

	static final String VERSION_FACT = "versionFact";

	private static final List<String> KNOWN_SETTINGS = Stream
		.concat(Stream.of(URL, TOKEN, INSTALL_JOB_TEMPLATE, ROLLBACK_JOB_TEMPLATE, POLL_INTERVAL, JOB_TIMEOUT,
				MAX_BATCH_SIZE, VERSION_FACT), ResilienceSettings.KEYS.stream())
		.sorted()
		.toList();

	static AwxSettings parse(Map<String, String> settings) {
		// Sorted, so the same misspelt configuration always names the same setting.
		for (String name : new TreeSet<>(settings.keySet())) {
			if (!KNOWN_SETTINGS.contains(name)) {
				throw new InvalidConnectorConfigException(name,
						"unknown setting '%s'; known settings: %s".formatted(name, String.join(", ", KNOWN_SETTINGS)));
			}
		}
		return new AwxSettings(url(settings), token(settings), required(settings, INSTALL_JOB_TEMPLATE),
				optional(settings, ROLLBACK_JOB_TEMPLATE),
				duration(settings, POLL_INTERVAL, Duration.ofSeconds(5), Duration.ofMinutes(10)),
				duration(settings, JOB_TIMEOUT, Duration.ofHours(2), Duration.ofDays(1)), maxBatchSize(settings),
				optional(settings, VERSION_FACT), ResilienceSettings.from(settings));
	}

	private static URI url(Map<String, String> settings) {
		String text = required(settings, URL);
		URI url;
		try {
			url = new URI(text);
		}
		catch (URISyntaxException ex) {
			throw new InvalidConnectorConfigException(URL, "url must be an http or https URL like "
					+ "https://awx.example.com, got '%s': %s".formatted(text, ex.getReason()));
		}
		if (url.getRawUserInfo() != null) {
			// Not echoed: whatever sits before the @ is most likely a password.
			throw new InvalidConnectorConfigException(URL,
					"url must not carry credentials; give the AWX token in the setting 'token'");
		}
		if (!("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))
				|| url.getHost() == null || url.getRawQuery() != null || url.getRawFragment() != null) {
			throw new InvalidConnectorConfigException(URL,
					"url must be an http or https URL like https://awx.example.com, got '%s'".formatted(text));
		}
		return URI.create(text.replaceAll("/+$", ""));
	}

	private static String token(Map<String, String> settings) {
		String token = required(settings, TOKEN);
		if (token.chars().anyMatch(Character::isWhitespace)) {
			throw new InvalidConnectorConfigException(TOKEN, "token must not contain spaces or line breaks");
		}
		return token;
	}

	private static String required(Map<String, String> settings, String name) {
		return optional(settings, name)
			.orElseThrow(() -> new InvalidConnectorConfigException(name, "%s is required".formatted(name)));
	}

	/** Blank counts as absent: forms send optional fields left empty as empty strings. */
	private static Optional<String> optional(Map<String, String> settings, String name) {
		return Optional.ofNullable(settings.get(name)).map(String::trim).filter(value -> !value.isEmpty());
	}

	private static Duration duration(Map<String, String> settings, String name, Duration defaultValue, Duration max) {
		String text = settings.get(name);
		if (text == null) {
			return defaultValue;
		}
		try {
			Duration duration = Duration.parse(text.trim());
			if (duration.isPositive() && duration.compareTo(max) <= 0) {
				return duration;
			}
		}
		catch (DateTimeParseException ex) {
			// reported below with the expected form
		}
		throw new InvalidConnectorConfigException(name,
				"%s must be an ISO-8601 duration above zero and at most %s, like %s, got '%s'".formatted(name, max,
						defaultValue, text));
	}

	private static int maxBatchSize(Map<String, String> settings) {
		String text = settings.get(MAX_BATCH_SIZE);
		if (text == null) {
			return 50;
		}
		try {
			int size = Integer.parseInt(text.trim());
			// An Ansible limit of more hosts makes a job that is slow to read back and
			// all-or-nothing to cancel.
			if (size >= 1 && size <= 500) {
				return size;
			}
		}
		catch (NumberFormatException ex) {
			// reported below with the accepted range
		}
		throw new InvalidConnectorConfigException(MAX_BATCH_SIZE,
				"maxBatchSize must be a whole number from 1 to 500, got '%s'".formatted(text));
	}

	@Override
	public String toString() {
		// The token stays out of whatever prints these settings.
		return "AwxSettings[url=%s, installJobTemplate=%s, rollbackJobTemplate=%s, pollInterval=%s, jobTimeout=%s, "
			.formatted(this.url, this.installJobTemplate, this.rollbackJobTemplate, this.pollInterval, this.jobTimeout)
				+ "maxBatchSize=%d, versionFact=%s, resilience=%s]".formatted(this.maxBatchSize, this.versionFact,
						this.resilience);
	}

}
