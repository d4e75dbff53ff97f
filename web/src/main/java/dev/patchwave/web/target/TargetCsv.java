package dev.patchwave.web.target;

import dev.patchwave.orchestrator.InvalidInputException.FieldProblem;
import dev.patchwave.orchestrator.target.ImportRow;
import dev.patchwave.orchestrator.target.TargetSpec;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Targets from a CSV file, for the console's import and the API's. A header row names the
 * columns, in any order: {@code name}, {@code address} and {@code connector} are
 * required; {@code installedVersion} and {@code labels} (written
 * {@code key=value;key=value}) are optional, and each {@code label.<key>} column gives
 * that label (an empty cell: none). Then one target per row. Each row keeps its line
 * number, so a report can name the line and column at fault.
 */
public final class TargetCsv {

	/** The header the console suggests. */
	public static final String[] HEADER = { "name", "address", "labels", "connector", "installedVersion" };

	private static final List<String> REQUIRED = List.of("name", "address", "connector");

	private static final String LABEL_COLUMN = "label.";

	private TargetCsv() {
	}

	/** Every row of the file. */
	public static List<Row> read(Reader reader) {
		try (Stream<Row> rows = stream(reader)) {
			return rows.toList();
		}
	}

	/**
	 * The rows as they are read, for files too large to hold; closing the stream closes
	 * the parser. Reading fails with an {@link UncheckedIOException}.
	 * @throws IllegalArgumentException if the header lacks a required column or names one
	 * twice
	 */
	public static Stream<Row> stream(Reader reader) {
		CSVFormat format = CSVFormat.RFC4180.builder()
			.setHeader()
			.setSkipHeaderRecord(true)
			.setIgnoreEmptyLines(true)
			.setTrim(true)
			.get();
		CSVParser parser;
		try {
			parser = format.parse(reader);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<String> header = parser.getHeaderNames();
		List<String> missing = REQUIRED.stream().filter(column -> !header.contains(column)).toList();
		if (!missing.isEmpty()) {
			throw new IllegalArgumentException("the header row %s lacks the column(s) %s; it needs at least %s"
				.formatted(String.join(",", header), String.join(",", missing), String.join(",", REQUIRED)));
		}
		return parser.stream().map(record -> row(record, header)).onClose(() -> {
			try {
				parser.close();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
	}

	private static Row row(CSVRecord record, List<String> header) {
		// the header is line 1, so record n is on line n + 1 when no field spans lines
		long line = record.getRecordNumber() + 1;
		if (!record.isConsistent()) {
			return new Row(line, null, List.of(new CellProblem("", "has %d columns, expected %d (%s)"
				.formatted(record.size(), header.size(), String.join(",", header)))));
		}
		List<CellProblem> problems = new ArrayList<>();
		Map<String, String> labels = new LinkedHashMap<>();
		if (record.isMapped("labels")) {
			for (String pair : record.get("labels").split(";")) {
				if (pair.isBlank()) {
					continue;
				}
				int equals = pair.indexOf('=');
				if (equals < 1) {
					problems.add(new CellProblem("labels", "label '%s' is not key=value".formatted(pair.strip())));
				}
				else {
					label(labels, pair.substring(0, equals).strip(), pair.substring(equals + 1).strip(), "labels",
							problems);
				}
			}
		}
		for (String column : header) {
			if (column.startsWith(LABEL_COLUMN) && !record.get(column).isEmpty()) {
				label(labels, column.substring(LABEL_COLUMN.length()), record.get(column), column, problems);
			}
		}
		String version = record.isMapped("installedVersion") ? record.get("installedVersion") : "";
		TargetSpec spec = new TargetSpec(record.get("name"), record.get("address"), labels, record.get("connector"),
				version.isEmpty() ? null : version);
		return new Row(line, spec, problems);
	}

	private static void label(Map<String, String> labels, String key, String value, String column,
			List<CellProblem> problems) {
		if (labels.putIfAbsent(key, value) != null) {
			problems.add(new CellProblem(column, "label '%s' is given twice".formatted(key)));
		}
	}

	/**
	 * What is wrong in a row: in a column, or with the row as a whole (column empty).
	 */
	public record CellProblem(String column, String reason) {

		@Override
		public String toString() {
			return this.column.isEmpty() ? this.reason : this.column + ": " + this.reason;
		}

	}

	/**
	 * One row of the file: its line, the target it describes (null if the row could not
	 * be read as one), and what is wrong with it.
	 */
	public record Row(long line, TargetSpec spec, List<CellProblem> problems) {

		public Row {
			problems = new ArrayList<>(problems);
		}

		/** The row for an import, its problems named {@code line 5, column labels}. */
		public ImportRow forImport() {
			String at = "line " + this.line;
			return new ImportRow(at, this.spec,
					this.problems.stream()
						.map(problem -> new FieldProblem(ImportRow.field(at, problem.column()), problem.reason()))
						.toList());
		}

	}

}
