package dev.patchwave.bench;

import java.io.IOException;

/** The commands that set the ssh fleet up and take it down again. */
final class SetupCommand {

	private SetupCommand() {
	}

	/**
	 * Runs the command to its end.
	 * @throws IllegalStateException with the command's output when it fails: a fleet set
	 * up half-way would measure nonsense
	 */
	static void run(String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		if (process.waitFor() != 0) {
			throw new IllegalStateException("%s failed: %s".formatted(String.join(" ", command), output.strip()));
		}
	}

}
