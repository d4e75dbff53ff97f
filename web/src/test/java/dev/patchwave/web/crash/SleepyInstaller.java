package dev.patchwave.web.crash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Install, verify and rollback commands for hosts behind a real sshd: the install and the
 * rollback each append one line per run to the target's own log, then sleep for the
 * seconds the target's label {@code sleep} gives, so a test can kill Patchwave while they
 * run and count afterwards how often each ran.
 */
final class SleepyInstaller {

	static final String PATCH = "apex-central-2019-cp-7190";

	static final String FIXED = "14.0.7190";

	static final String VULNERABLE = "14.0.6850";

	private final Path dir;

	SleepyInstaller(Path dir) throws IOException {
		this.dir = dir;
		Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
		script("install", """
				#!/bin/sh
				dir=$(dirname "$0")
				echo "run $$" >> "$dir/installs-$1"
				sleep "$2"
				if [ "$3" = fail ]; then echo "error: not enough disk space" >&2; exit 1; fi
				echo %s > "$dir/version-$1"
				echo "installed on $1"
				""".formatted(FIXED));
		script("verify", """
				#!/bin/sh
				cat "$(dirname "$0")/version-$1" 2>/dev/null || echo %s
				""".formatted(VULNERABLE));
		script("rollback", """
				#!/bin/sh
				dir=$(dirname "$0")
				echo "run $$" >> "$dir/rollbacks-$1"
				sleep "$2"
				echo %s > "$dir/version-$1"
				echo "rolled back $1"
				""".formatted(VULNERABLE));
	}

	/** The connector settings that run these commands, for the given sshd hosts. */
	Map<String, String> settings(String user, String privateKey, String knownHosts) {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("user", user);
		settings.put("privateKey", privateKey);
		settings.put("knownHosts", knownHosts);
		settings.put("commandTimeout", "PT2M");
		settings.put("install." + PATCH,
				this.dir.resolve("install") + " {{target.name}} {{label.sleep}} {{label.behaviour}}");
		settings.put("verify." + PATCH, this.dir.resolve("verify") + " {{target.name}}");
		settings.put("rollback." + PATCH, this.dir.resolve("rollback") + " {{target.name}} {{label.sleep}}");
		return settings;
	}

	int installs(String target) throws IOException {
		return lines("installs-" + target);
	}

	int rollbacks(String target) throws IOException {
		return lines("rollbacks-" + target);
	}

	String version(String target) throws IOException {
		Path path = this.dir.resolve("version-" + target);
		return Files.exists(path) ? Files.readString(path).strip() : null;
	}

	private int lines(String file) throws IOException {
		Path path = this.dir.resolve(file);
		return Files.exists(path) ? Files.readAllLines(path).size() : 0;
	}

	private void script(String name, String text) throws IOException {
		Path file = this.dir.resolve(name);
		Files.writeString(file, text);
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
	}

}
