package dev.patchwave.connectors.ssh;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the exactly-once wrapper printed: the marker's state, how this exec came to it,
 * and for a finished step its exit code, the verify command's exit code and the ends of
 * both outputs.
 *
 * @param verifyExitCode null when the verify command did not run (no verify step, or the
 * step failed)
 */
record OnceOutcome(State state, How how, Integer exitCode, Integer verifyExitCode, String stepOutput,
		String verifyOutput) {

	static final String TRAILER = "PATCHWAVE-RESULT ";

	private static final String VERIFY_SEPARATOR = "\nPATCHWAVE-VERIFY\n";

	/**
	 * Reads the wrapper's standard output; empty when it printed no readable trailer, so
	 * that it did not get to look at the marker.
	 */
	static Optional<OnceOutcome> parse(String stdout) {
		try {
			return read(stdout);
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	private static Optional<OnceOutcome> read(String stdout) {
		String text = "\n" + stdout.replace("\r\n", "\n").stripTrailing();
		int trailer = text.lastIndexOf("\n" + TRAILER);
		if (trailer < 0) {
			return Optional.empty();
		}
		Map<String, String> fields = new HashMap<>();
		for (String field : text.substring(trailer + 1 + TRAILER.length()).strip().split("\\s+")) {
			int equals = field.indexOf('=');
			if (equals > 0) {
				fields.put(field.substring(0, equals), field.substring(equals + 1));
			}
		}
		State state = State.valueOf(fields.getOrDefault("state", "").toUpperCase());
		How how = How.valueOf(fields.getOrDefault("how", "").toUpperCase());
		if (state != State.FINISHED) {
			return Optional.of(new OnceOutcome(state, how, null, null, "", ""));
		}
		String outputs = text.substring(0, trailer + 1);
		int separator = outputs.lastIndexOf(VERIFY_SEPARATOR);
		String step = (separator >= 0) ? outputs.substring(0, separator) : outputs;
		String verify = (separator >= 0) ? outputs.substring(separator + VERIFY_SEPARATOR.length()) : "";
		return Optional.of(new OnceOutcome(state, how, Integer.valueOf(fields.get("exit")),
				code(fields.getOrDefault("verify", "-")), step.strip(), verify.strip()));
	}

	/** The last line the verify command printed, where it says the version. */
	String verifiedVersionText() {
		List<String> lines = this.verifyOutput.lines().filter(line -> !line.isBlank()).toList();
		return lines.isEmpty() ? "" : lines.getLast().strip();
	}

	private static Integer code(String text) {
		return text.equals("-") ? null : Integer.valueOf(text);
	}

	enum State {

		/** The host has no marker under the key: the step never ran there. */
		NONE,

		/** The step runs now. */
		RUNNING,

		/** The step ended and its outcome is recorded. */
		FINISHED,

		/**
		 * The step started but its process is gone without an exit code: the host
		 * restarted or it was killed.
		 */
		INTERRUPTED

	}

	enum How {

		/** This exec started the step. */
		RAN,

		/** The step was already running under the key; this exec waited for it. */
		JOINED,

		/** The marker already held the outcome when this exec came to run the step. */
		BEFORE,

		/** The exec only read the marker. */
		READ

	}

}
