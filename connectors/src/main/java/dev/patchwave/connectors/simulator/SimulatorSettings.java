package dev.patchwave.connectors.simulator;

import dev.patchwave.common.connector.InvalidConnectorConfigException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * How the simulator behaves: how long an install takes and how often it fails, retries or
 * asks for a reboot. Every setting is optional; without a seed the random draws differ
 * from run to run.
 *
 * @param recordFile where the simulator keeps its record of installs across restarts, or
 * empty to keep it in memory only
 */
record SimulatorSettings(Duration installLatency, Duration latencyJitter, double failureRate, double transientRate,
		double rebootRate, OptionalLong seed, Optional<Path> recordFile) {

	static final String INSTALL_LATENCY = "installLatency";

	static final String LATENCY_JITTER = "latencyJitter";

	static final String FAILURE_RATE = "failureRate";

	static final String TRANSIENT_RATE = "transientRate";

	static final String REBOOT_RATE = "rebootRate";

	static final String SEED = "seed";

	static final String RECORD_FILE = "recordFile";

	/**
	 * Longer than any real install; a larger value is a typo, and the cap keeps delays
	 * far from overflow.
	 */
	private static final Duration MAX_DURATION = Duration.ofDays(1);

	private static final List<String> KNOWN_SETTINGS = List.of(FAILURE_RATE, INSTALL_LATENCY, LATENCY_JITTER,
			REBOOT_RATE, RECORD_FILE, SEED, TRANSIENT_RATE);

	static SimulatorSettings parse(Map<String, String> settings) {
		// Sorted, so the same misspelt configuration always names the same setting.
		for (String name : new TreeSet<>(settings.keySet())) {
			if (!KNOWN_SETTINGS.contains(name)) {
				throw new InvalidConnectorConfigException(name,
						"unknown setting '%s'; known settings: %s".formatted(name, String.join(", ", KNOWN_SETTINGS)));
			}
		}
		return new SimulatorSettings(duration(settings, INSTALL_LATENCY, Duration.ofSeconds(2)),
				duration(settings, LATENCY_JITTER, Duration.ZERO), rate(settings, FAILURE_RATE),
				rate(settings, TRANSIENT_RATE), rate(settings, REBOOT_RATE), seed(settings), recordFile(settings));
	}

	private static Optional<Path> recordFile(Map<String, String> settings) {
		String text = settings.get(RECORD_FILE);
		if (text == null || text.isBlank()) {
			return Optional.empty();
		}
		Path file;
		try {
			file = Path.of(text.strip()).toAbsolutePath();
		}
		catch (InvalidPathException ex) {
			throw new InvalidConnectorConfigException(RECORD_FILE,
					"%s must be a file path, got '%s'".formatted(RECORD_FILE, text));
		}
		if (!Files.isDirectory(file.getParent())) {
			throw new InvalidConnectorConfigException(RECORD_FILE,
					"%s: the directory %s does not exist".formatted(RECORD_FILE, file.getParent()));
		}
		return Optional.of(file);
	}

	private static Duration duration(Map<String, String> settings, String name, Duration defaultValue) {
		String text = settings.get(name);
		if (text == null) {
			return defaultValue;
		}
		Duration duration;
		try {
			duration = Duration.parse(text.trim());
		}
		catch (DateTimeParseException ex) {
			throw new InvalidConnectorConfigException(name,
					"%s must be an ISO-8601 duration like PT2S or PT0.5S, got '%s'".formatted(name, text));
		}
		if (duration.isNegative()) {
			throw new InvalidConnectorConfigException(name, "%s must not be negative, got '%s'".formatted(name, text));
		}
		if (duration.compareTo(MAX_DURATION) > 0) {
			throw new InvalidConnectorConfigException(name,
					"%s must be at most %s, got '%s'".formatted(name, MAX_DURATION, text));
		}
		return duration;
	}

	private static double rate(Map<String, String> settings, String name) {
		String text = settings.get(name);
		if (text == null) {
			return 0.0;
		}
		double rate;
		try {
			rate = Double.parseDouble(text.trim());
		}
		catch (NumberFormatException ex) {
			rate = Double.NaN;
		}
		// Written so that NaN, which parses from "NaN", fails the check too.
		if (!(rate >= 0.0 && rate <= 1.0)) {
			throw new InvalidConnectorConfigException(name,
					"%s must be a number between 0 and 1, got '%s'".formatted(name, text));
		}
		return rate;
	}

	private static OptionalLong seed(Map<String, String> settings) {
		String text = settings.get(SEED);
		if (text == null) {
			return OptionalLong.empty();
		}
		try {
			return OptionalLong.of(Long.parseLong(text.trim()));
		}
		catch (NumberFormatException ex) {
			throw new InvalidConnectorConfigException(SEED,
					"%s must be a whole number, got '%s'".formatted(SEED, text));
		}
	}

}
