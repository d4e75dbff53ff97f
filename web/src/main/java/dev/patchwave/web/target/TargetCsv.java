package dev.patchwave.web.dashboard;

import dev.patchwave.orchestrator.target.TargetSpec;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Targets from a CSV file: a header row
 * {@code name,address,labels,connector,installedVersion}, then one target per row, its
 * labels written {@code key=value;key=value}. Each row keeps its line number, so a report
 * can name the line at fault.
 */
final class TargetCsv {

	static final String[] HEADER = { "name", "address", "labels", "connector", "installedVersion" };

	private TargetCsv() {
	}

	static List<Row> read(Reader reader) {
		CSVFormat format = CSVFormat.RFC4180.builder()
			.setHeader(HEADER)
			.setSkipHeaderRecord(true)
			.setIgnoreEmptyLines(true)
			.setTrim(true)
			.get();
		List<Row> rows = new ArrayList<>();
		try {
			for (CSVRecord record : format.parse(reader)) {
				rows.add(row(record));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return rows;
	}

	private static Row row(CSVRecord record) {
		List<String> problems = new ArrayList<>();
		if (record.size() != HEADER.length) {
			problems.add("has %d columns, expected %d (%s)".formatted(record.size(), HEADER.length,
					String.join(",", HEADER)));
			return new Row(record.getRecordNumber() + 1, null, problems);
		}
		Map<String, String> labels = new LinkedHashMap<>();
		for (String pair : record.get("labels").split(";")) {
			if (pair.isBlank()) {
				continue;
			}
			int equals = pair.indexOf('=');
			if (equals < 1) {
				problems.add("label '%s' is not key=value".formatted(pair.strip()));
			}
			else {
				labels.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip());
			}
		}
		String version = record.get("installedVersion");
		TargetSpec spec = new TargetSpec(record.get("name"), record.get("address"), labels, record.get("connector"),
				version.isEmpty() ? null : version);
		// the header is line 1, so record n is on line n + 1 when no field spans lines
		return new Row(record.getRecordNumber() + 1, spec, problems);
	}

	/**
	 * One row of the file: its line, the target it describes, and what is wrong with it.
	 */
	record Row(long line, TargetSpec spec, List<String> problems) {

		Row {
			problems = new ArrayList<>(problems);
		}

	}

}
