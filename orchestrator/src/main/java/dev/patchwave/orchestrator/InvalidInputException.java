package dev.patchwave.orchestrator;

import java.util.List;

/**
 * Input that cannot be accepted, with every reason found, each naming the field it
 * concerns. Thrown before anything is written, so a rejected request leaves no trace.
 */
public class InvalidInputException extends RuntimeException {

	private final List<FieldProblem> problems;

	public InvalidInputException(List<FieldProblem> problems) {
		super(problems.stream().map(FieldProblem::toString).reduce((a, b) -> a + "; " + b).orElse("invalid input"));
		this.problems = List.copyOf(problems);
	}

	public InvalidInputException(String field, String reason) {
		this(List.of(new FieldProblem(field, reason)));
	}

	public List<FieldProblem> problems() {
		return this.problems;
	}

	/**
	 * One reason input was refused: the field (a JSON path like {@code waves[1].size})
	 * and why.
	 */
	public record FieldProblem(String field, String reason) {

		@Override
		public String toString() {
			return this.field + ": " + this.reason;
		}

	}

}
