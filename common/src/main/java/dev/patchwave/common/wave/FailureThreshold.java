package dev.patchwave.common.wave;

/**
 * How many failed targets a wave tolerates: a count ("0", "2") or a percentage ("10%") of the wave's
 * targets. The wave breaches the threshold when its failures exceed the tolerated number.
 */
public record FailureThreshold(int value, boolean percent) {

	public FailureThreshold {
		if (value < 0) {
			throw new IllegalArgumentException("must not be negative");
		}
		if (percent && value > 100) {
			throw new IllegalArgumentException("must not exceed 100%");
		}
	}

	public static FailureThreshold parse(String text) {
		if (text == null || text.isBlank()) {
			throw new IllegalArgumentException("must be a count like \"0\" or a percentage like \"10%\"");
		}
		String trimmed = text.trim();
		boolean percent = trimmed.endsWith("%");
		String number = percent ? trimmed.substring(0, trimmed.length() - 1).trim() : trimmed;
		try {
			return new FailureThreshold(Integer.parseInt(number), percent);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(
					"'%s' is not a count like \"0\" or a percentage like \"10%%\"".formatted(text));
		}
	}

	/** The number of failures a wave of {@code waveSize} targets tolerates; a percentage rounds down. */
	public int toleratedFailures(int waveSize) {
		return this.percent ? (int) Math.floor(waveSize * this.value / 100.0) : this.value;
	}

	public boolean isBreachedBy(int failures, int waveSize) {
		return failures > toleratedFailures(waveSize);
	}

	@Override
	public String toString() {
		return this.percent ? this.value + "%" : Integer.toString(this.value);
	}

}
