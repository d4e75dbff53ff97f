package dev.patchwave.connectors.ssh;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One call of the exactly-once wrapper on a target ({@link Shell#once}).
 *
 * @param markerName where the target keeps the step's claim and outcome, from the key
 * @param waitSeconds how long to wait for a step under this marker that is already
 * running
 * @param step the rendered step; for {@link Mode#STATUS} not run, and may be empty
 * @param verify the rendered verify command, or null when the patch has none
 * @param successCodes the exit codes after which the verify command runs
 * @param tailBytes how much of the step's output to print
 */
record OnceCall(Mode mode, String markerName, long waitSeconds, String step, String verify, Set<Integer> successCodes,
		int tailBytes) {

	OnceCall {
		Objects.requireNonNull(mode, "mode");
		Objects.requireNonNull(markerName, "markerName");
		Objects.requireNonNull(step, "step");
		successCodes = Set.copyOf(successCodes);
	}

	/** The positional arguments of the posix script, in its order. */
	List<String> arguments() {
		return List.of(this.mode.argument(), this.markerName, Long.toString(this.waitSeconds), this.step,
				(this.verify != null) ? this.verify : "", String.join(" ", codes()), Integer.toString(this.tailBytes));
	}

	/**
	 * The success codes in ascending order, so the same call renders the same command.
	 */
	List<String> codes() {
		return new TreeSet<>(this.successCodes).stream().map(String::valueOf).toList();
	}

	enum Mode {

		/**
		 * Runs the step unless the marker says it ran or runs; waits for it either way.
		 */
		RUN("run"),

		/** Reads the marker only. */
		STATUS("status");

		private final String argument;

		Mode(String argument) {
			this.argument = argument;
		}

		String argument() {
			return this.argument;
		}

	}

}
