package dev.patchwave.connectors.resilience;

import dev.patchwave.common.connector.InvalidConnectorConfigException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

/**
 * How one connector instance protects itself and the system it calls. Read from the
 * instance's settings, each with a default that suits a shared production deployment
 * system.
 *
 * @param retryAttempts attempts of an idempotent read, the first included (writes are
 * never retried)
 * @param retryBackoff wait before the second attempt; doubles, with jitter, unless
 * Retry-After says otherwise
 * @param breakerFailureRate percentage of failed calls, over the last
 * {@code breakerWindow} calls, that opens the breaker
 * @param breakerWindow how many recent calls the failure rate is computed over
 * @param breakerOpenFor how long an open breaker refuses calls before letting trial calls
 * through
 * @param callsPerSecond the most calls per second this instance makes
 * @param maxConcurrentCalls the most calls in progress at once
 * @param callTimeout the longest one call may take
 */
public record ResilienceSettings(int retryAttempts, Duration retryBackoff, int breakerFailureRate, int breakerWindow,
		Duration breakerOpenFor, int callsPerSecond, int maxConcurrentCalls, Duration callTimeout) {

	public static final Set<String> KEYS = Set.of("retryAttempts", "retryBackoff", "breakerFailureRate",
			"breakerWindow", "breakerOpenFor", "callsPerSecond", "maxConcurrentCalls", "callTimeout");

	public static ResilienceSettings from(Map<String, String> settings) {
		return new ResilienceSettings(integer(settings, "retryAttempts", 3, 1, 10),
				duration(settings, "retryBackoff", Duration.ofMillis(500)),
				integer(settings, "breakerFailureRate", 50, 1, 100), integer(settings, "breakerWindow", 10, 1, 1000),
				duration(settings, "breakerOpenFor", Duration.ofSeconds(30)),
				integer(settings, "callsPerSecond", 20, 1, 10_000),
				integer(settings, "maxConcurrentCalls", 20, 1, 1000),
				duration(settings, "callTimeout", Duration.ofSeconds(30)));
	}

	private static int integer(Map<String, String> settings, String key, int fallback, int min, int max) {
		String value = settings.get(key);
		if (value == null) {
			return fallback;
		}
		try {
			int parsed = Integer.parseInt(value.trim());
			if (parsed >= min && parsed <= max) {
				return parsed;
			}
		}
		catch (NumberFormatException ex) {
			// reported below with the accepted range
		}
		throw new InvalidConnectorConfigException(key,
				"%s must be a whole number from %d to %d, got '%s'".formatted(key, min, max, value));
	}

	private static Duration duration(Map<String, String> settings, String key, Duration fallback) {
		String value = settings.get(key);
		if (value == null) {
			return fallback;
		}
		try {
			Duration parsed = Duration.parse(value.trim());
			if (!parsed.isNegative() && !parsed.isZero() && parsed.compareTo(Duration.ofHours(1)) <= 0) {
				return parsed;
			}
		}
		catch (DateTimeParseException ex) {
			// reported below with the expected form
		}
		throw new InvalidConnectorConfigException(key,
				"%s must be an ISO-8601 duration above zero and at most PT1H, like PT5S, got '%s'".formatted(key,
						value));
	}

}
