package dev.patchwave.common.wave;

/**
 * How many failed targets a wave tolerates: a count ("0", "2") or a percentage ("10%") of
 * the wave's targets. The wave breaches the threshold when its failures exceed the
 * tolerated number.
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
		return CountOrPercentage.parse(text, "0", "10%", FailureThreshold::new);
	}

	/**
	 * The number of failures a wave of {@code waveSize} targets tolerates; a percentage
	 * rounds down.
	 */
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
