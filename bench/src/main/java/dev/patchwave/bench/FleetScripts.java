package dev.patchwave.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * The patch the ssh fleet is installed with: an installer that takes 1 s, a verify and a
 * rollback, each given the target's name. The installer and the rollback count their runs
 * per target in the account's {@code state} directory, so that a run can prove every host
 * was installed exactly once; and the login shell that costs a start-up.
 */
final class FleetScripts {

	static final String FIXED = "14.0.7190";

	static final String VULNERABLE = "14.0.6850";

	/** The costly shell's start-up, as a login shell that sources a slow profile. */
	static final Duration COSTLY_SHELL_START = Duration.ofMillis(100);

	/** How the installer's run counts are named, before the target's name. */
	static final String INSTALLS = "installs-";

	/** How the rollback's run counts are named, before the target's name. */
	static final String ROLLBACKS = "rollbacks-";

	private final Path bin;

	private FleetScripts(Path bin) {
		this.bin = bin;
	}

	/** Writes the scripts into a new directory {@code bin} under the fleet's. */
	static FleetScripts write(Path dir) throws IOException {
		Path bin = Files.createDirectory(dir.resolve("bin"));
		script(bin.resolve("install"), """
				#!/bin/sh
				echo run >> "$HOME/state/%s$1"
				sleep 1
				echo %s > "$HOME/state/version-$1"
				echo "installed %s on $1"
				""".formatted(INSTALLS, FIXED, FIXED));
		script(bin.resolve("verify"), """
				#!/bin/sh
				cat "$HOME/state/version-$1" 2> /dev/null || echo %s
				""".formatted(VULNERABLE));
		script(bin.resolve("rollback"), """
				#!/bin/sh
				echo run >> "$HOME/state/%s$1"
				rm -f "$HOME/state/version-$1"
				echo "rolled back $1"
				""".formatted(ROLLBACKS));
		// sshd starts every command as "<login shell> -c <command>": this one pays its
		// start-up on each.
		script(bin.resolve("costly-sh"), """
				#!/bin/sh
				sleep %s
				exec /bin/sh "$@"
				""".formatted(COSTLY_SHELL_START.toMillis() / 1000.0));
		return new FleetScripts(bin);
	}

	/** The installer: {@code install <target>}, 1 s, then the fixed version. */
	Path installer() {
		return this.bin.resolve("install");
	}

	/** Prints the version the target runs: {@code verify <target>}. */
	Path verifier() {
		return this.bin.resolve("verify");
	}

	/** Takes the patch off: {@code rollback <target>}. */
	Path rollbacker() {
		return this.bin.resolve("rollback");
	}

	/** A login shell that sleeps {@link #COSTLY_SHELL_START} before it runs anything. */
	Path costlyShell() {
		return this.bin.resolve("costly-sh");
	}

	private static void script(Path file, String text) throws IOException {
		Files.writeString(file, text);
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
	}

}
