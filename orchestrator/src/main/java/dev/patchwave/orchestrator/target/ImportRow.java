package dev.patchwave.orchestrator.target;

import dev.patchwave.orchestrator.InvalidInputException.FieldProblem;
import java.util.List;

/**
 * One row of an import: where it is in the file (like {@code line 5}), the target it
 * describes, or null when it could not be read as one, and the problems found reading it.
 */
public record ImportRow(String row, TargetSpec spec, List<FieldProblem> problems) {

	public ImportRow {
		if (spec == null && problems.isEmpty()) {
			throw new IllegalArgumentException("a row without a target must say why");
		}
		problems = List.copyOf(problems);
	}

	/** Names a column of this row in a problem: {@code line 5, column address}. */
	public String field(String column) {
		return field(this.row, column);
	}

	/**
	 * Names a column of a row, or with an empty column the row itself.
	 */
	public static String field(String row, String column) {
		return column.isEmpty() ? row : row + ", column " + column;
	}

}
