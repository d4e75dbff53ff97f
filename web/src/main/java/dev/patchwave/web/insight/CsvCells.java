package dev.patchwave.web.insight;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Arrays;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * CSV for spreadsheets. A cell that starts with {@code =}, {@code +}, {@code -},
 * {@code @}, a tab or a carriage return is taken for a formula by Excel and LibreOffice,
 * and a host name or a failure message is written by whoever controls the host: such
 * cells get a leading apostrophe so they are shown as text, never evaluated (OWASP's
 * advice on CSV injection). Numbers are written as they are.
 */
public final class CsvCells {

	public static final String MEDIA_TYPE = "text/csv;charset=UTF-8";

	private CsvCells() {
	}

	public static String safe(Object value) {
		if (value == null) {
			return "";
		}
		if (value instanceof Number) {
			// a negative exit code is a number, not a formula
			return value.toString();
		}
		String text = value.toString();
		if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
			return "'" + text;
		}
		return text;
	}

	/** A printer writing RFC 4180 CSV with the given header row. */
	public static CSVPrinter printer(Writer out, String... header) {
		try {
			return new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(header).get());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Prints one record with every cell made safe. */
	public static void print(CSVPrinter printer, Object... cells) {
		try {
			printer.printRecord(Arrays.stream(cells).map(CsvCells::safe).toArray());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
