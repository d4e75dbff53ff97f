package dev.patchwave.connectors.ssh;

/**
 * How a command ended.
 *
 * @param stdout the end of its standard output, as printed, to read a version from
 * @param output the end of its standard output and error together, as printed
 * @param redaction takes the secrets out of the output before it is shown: only then,
 * since a command that succeeds has its output parsed, never shown
 */
record CommandResult(int exitCode, String stdout, String output, Redaction redaction) {

	/** The message followed by the output, secrets redacted, when there was any. */
	String withOutput(String message) {
		return this.output.isBlank() ? message : message + "\noutput:\n" + this.redaction.apply(this.output).strip();
	}

}
