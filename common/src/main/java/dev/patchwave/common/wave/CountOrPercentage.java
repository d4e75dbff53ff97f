package dev.patchwave.common.wave;

import java.util.function.BiFunction;

/** Reads the "5" or "25%" that wave sizes and failure thresholds are written as. */
final class CountOrPercentage {

	private CountOrPercentage() {
	}

	/**
	 * Parses {@code text} and hands the number and whether it was a percentage to
	 * {@code create}.
	 * @param count an example count for the error message, like "5"
	 * @param percentage an example percentage for the error message, like "25%"
	 */
	static <T> T parse(String text, String count, String percentage, BiFunction<Integer, Boolean, T> create) {
		String expected = "a count like \"%s\" or a percentage like \"%s\"".formatted(count, percentage);
		if (text == null || text.isBlank()) {
			throw new IllegalArgumentException("must be " + expected);
		}
		String trimmed = text.trim();
		boolean percent = trimmed.endsWith("%");
		String number = percent ? trimmed.substring(0, trimmed.length() - 1).trim() : trimmed;
		try {
			return create.apply(Integer.parseInt(number), percent);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'%s' is not %s".formatted(text, expected));
		}
	}

}
