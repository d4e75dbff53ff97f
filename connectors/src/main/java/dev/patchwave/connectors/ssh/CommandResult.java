package dev.patchwave.connectors.ssh;

/**
 * How a command ended.
 *
 * @param stdout the end of its standard output, as printed, to read a version from
 * @param output the end of its standard output and error together, secrets redacted, to
 * show people
 */
record CommandResult(int exitCode, String stdout, String output) {

	/** The message followed by the output, when there was any. */
	String withOutput(String message) {
		return this.output.isBlank() ? message : message + "\noutput:\n" + this.output.strip();
	}

}
