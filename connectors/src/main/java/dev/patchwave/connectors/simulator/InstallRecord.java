package dev.patchwave.connectors.simulator;

import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.patch.Version;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simulator's record of its installs in a file, one JSON line per install started and
 * per install finished, each written and closed at once, so that what a killed JVM had
 * started or finished is there to read back and count. A line cut short by a kill is
 * skipped when read, and the next line starts on a line of its own.
 */
final class InstallRecord {

	static final String STARTED = "started";

	static final String FINISHED = "finished";

	private final Path file;

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<Line> lines;

	private InstallRecord(Path file, List<Line> lines) {
		this.file = file;
		this.lines = List.copyOf(lines);
	}

	/** Reads the lines the file holds, creating it when it does not exist yet. */
	static InstallRecord open(Path file) {
		InstallRecord record = new InstallRecord(file, List.of());
		try {
			if (!Files.exists(file)) {
				Files.createFile(file);
				return record;
			}
			String text = Files.readString(file, StandardCharsets.UTF_8);
			if (!text.isEmpty() && !text.endsWith("\n")) {
				Files.writeString(file, "\n", StandardOpenOption.APPEND);
			}
			List<Line> lines = new ArrayList<>();
			for (String line : text.split("\n")) {
				record.parse(line).ifPresent(lines::add);
			}
			return new InstallRecord(file, lines);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read the simulator's record file " + file, ex);
		}
	}

	/** The lines read when the record was opened, in file order. */
	List<Line> lines() {
		return this.lines;
	}

	synchronized void append(Line line) {
		try {
			Files.writeString(this.file, this.json.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
					StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write the simulator's record file " + this.file, ex);
		}
	}

	private Optional<Line> parse(String text) {
		if (text.isBlank()) {
			return Optional.empty();
		}
		try {
			return Optional.of(this.json.readValue(text, Line.class));
		}
		catch (JacksonException ex) {
			return Optional.empty();
		}
	}

	/**
	 * One install started or finished: a started line holds what the simulated outcome is
	 * drawn from, a finished line the outcome.
	 *
	 * @param simulate the target's {@code simulate} label, or null
	 * @param before the version the target ran before, or null
	 */
	record Line(String event, String key, String target, int attempt, String simulate, String fixedVersion,
			String before, String cause, Integer exitCode, String message, String version) {

		static Line started(String key, String target, int attempt, String simulate, Version fixedVersion,
				Version before) {
			return new Line(STARTED, key, target, attempt, simulate, fixedVersion.toString(), text(before), null, null,
					null, null);
		}

		static Line finished(String key, String target, InstallResult result) {
			return new Line(FINISHED, key, target, 0, null, null, null, result.cause().name(), result.exitCode(),
					result.message(), text(result.installedVersion()));
		}

		InstallResult result() {
			return new InstallResult(ResultCause.valueOf(this.cause), this.exitCode, this.message,
					version(this.version));
		}

		static Version version(String text) {
			return (text != null) ? Version.parse(text) : null;
		}

		private static String text(Version version) {
			return (version != null) ? version.toString() : null;
		}

	}

}
