package dev.patchwave.common.wave;

/**
 * How many targets a wave takes: a count ("5") or a percentage ("25%") of the targets not
 * yet placed in an earlier wave. A percentage rounds up, so "1%" of a small remainder
 * still takes one target.
 */
public record WaveSize(int value, boolean percent) {

	public WaveSize {
		if (value < 1) {
			throw new IllegalArgumentException("must be at least 1");
		}
		if (percent && value > 100) {
			throw new IllegalArgumentException("must not exceed 100%");
		}
	}

	public static WaveSize parse(String text) {
		return CountOrPercentage.parse(text, "5", "25%", WaveSize::new);
	}

	/**
	 * The number of targets this size takes out of {@code remaining} unplaced targets.
	 */
	public int of(int remaining) {
		int wanted = this.percent ? (int) Math.ceil(remaining * this.value / 100.0) : this.value;
		return Math.min(wanted, remaining);
	}

	@Override
	public String toString() {
		return this.percent ? this.value + "%" : Integer.toString(this.value);
	}

}
