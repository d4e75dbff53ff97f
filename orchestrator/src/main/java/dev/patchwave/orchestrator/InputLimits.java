package dev.patchwave.orchestrator;

import dev.patchwave.common.target.LabelSelector;
import java.time.Duration;
import java.util.Optional;

/**
 * The bounds of everything a client may send, declared once. Each bound that a column
 * holds is at most that column's size (V2__rollouts.sql), so input within these bounds is
 * always stored, and input beyond them is refused naming the field before anything is
 * written. {@code InputLimitsTest} compares them with the schema.
 */
public final class InputLimits {

	/** target.name */
	public static final int TARGET_NAME = 255;

	/** target.address */
	public static final int TARGET_ADDRESS = 255;

	/** Each label key and value. */
	public static final int LABEL_PART = 63;

	/**
	 * Labels per target: 30 labels of 63-character keys and values make 3,961 characters
	 * of JSON, within the 4,000 of target.labels.
	 */
	public static final int LABELS = 30;

	/** target.labels, the labels as a JSON object. */
	public static final int LABELS_COLUMN = 4000;

	/** target.installed_version */
	public static final int VERSION = 64;

	/** Targets in one upsert request. */
	public static final int TARGETS_PER_REQUEST = 10_000;

	/** connector_instance.name (the column holds 100). */
	public static final int CONNECTOR_NAME = 63;

	/** connector_instance.type */
	public static final int CONNECTOR_TYPE = 50;

	/** Settings per connector. */
	public static final int SETTINGS = 100;

	/** Each setting's name. */
	public static final int SETTING_NAME = 200;

	/**
	 * connector_instance.settings: the settings as stored, a JSON object whose secret
	 * values are encrypted (a third longer than given, plus 45 characters each).
	 */
	public static final int SETTINGS_COLUMN = 8000;

	/** rollout.name */
	public static final int ROLLOUT_NAME = 200;

	/** rollout.patch_id */
	public static final int PATCH_ID = 64;

	/** rollout.selector; the selector parser refuses longer text by itself. */
	public static final int SELECTOR = LabelSelector.MAX_LENGTH;

	/** Waves per rollout. */
	public static final int WAVES = 20;

	/** wave.name */
	public static final int WAVE_NAME = 100;

	/** wave.size_spec and wave.failure_threshold, like "25%" or "5". */
	public static final int WAVE_SPEC = 16;

	/** wave.max_concurrency, from 1: enough for a fleet of 100,000 in 50 rounds. */
	public static final int MAX_CONCURRENCY = 5000;

	/** The longest bake time between waves. */
	public static final Duration MAX_BAKE = Duration.ofDays(7);

	/**
	 * maintenance_window.name; also a path segment, so letters, digits, '.', '_', '-'.
	 */
	public static final int WINDOW_NAME = 63;

	/** maintenance_window.cron */
	public static final int CRON = 200;

	/** maintenance_window.time_zone */
	public static final int TIME_ZONE = 64;

	/** The longest opening of a window or blackout. */
	public static final Duration MAX_WINDOW = Duration.ofDays(366);

	/** Windows attached to one rollout. */
	public static final int WINDOWS_PER_ROLLOUT = 20;

	/** How far ahead a rollout's notBefore may lie. */
	public static final Duration MAX_SCHEDULE_AHEAD = Duration.ofDays(366);

	private InputLimits() {
	}

	/**
	 * Why a required line of text is refused, if it is: missing, blank, longer than
	 * {@code max}, or holding control characters (PostgreSQL cannot store NUL, and none
	 * belongs in a name or address).
	 * @return the reason, or empty when the text is acceptable
	 */
	public static Optional<String> requiredLine(String text, int max) {
		if (text == null || text.isBlank()) {
			return Optional.of("is required, at most %d characters".formatted(max));
		}
		if (text.length() > max) {
			return Optional.of("at most %d characters, got %d".formatted(max, text.length()));
		}
		if (text.chars().anyMatch(Character::isISOControl)) {
			return Optional.of("must not contain control characters");
		}
		return Optional.empty();
	}

	/**
	 * Whether text that may span lines holds a control character other than tab, line
	 * feed and carriage return.
	 */
	public static boolean hasControlCharacters(String text) {
		return text.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r');
	}

}
