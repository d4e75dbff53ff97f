package dev.patchwave.common.patch;

import java.util.Arrays;

/**
 * A dotted numeric version or build ("14.0.7190"). Compared number by number, with
 * missing trailing parts read as zero, so "14.0" equals "14.0.0".
 */
public record Version(int[] parts) implements Comparable<Version> {

	public Version {
		parts = parts.clone();
	}

	public static Version parse(String text) {
		if (text == null || !text.trim().matches("\\d+(\\.\\d+)*")) {
			throw new IllegalArgumentException(
					"'%s' is not a version made of numbers and dots, like \"14.0.7190\"".formatted(text));
		}
		return new Version(Arrays.stream(text.trim().split("\\.")).mapToInt(Integer::parseInt).toArray());
	}

	public boolean isAtLeast(Version other) {
		return compareTo(other) >= 0;
	}

	@Override
	public int compareTo(Version other) {
		int length = Math.max(this.parts.length, other.parts.length);
		for (int i = 0; i < length; i++) {
			int mine = i < this.parts.length ? this.parts[i] : 0;
			int theirs = i < other.parts.length ? other.parts[i] : 0;
			if (mine != theirs) {
				return Integer.compare(mine, theirs);
			}
		}
		return 0;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof Version version && compareTo(version) == 0;
	}

	@Override
	public int hashCode() {
		int last = this.parts.length;
		while (last > 0 && this.parts[last - 1] == 0) {
			last--;
		}
		return Arrays.hashCode(Arrays.copyOf(this.parts, last));
	}

	@Override
	public String toString() {
		return String.join(".", Arrays.stream(this.parts).mapToObj(Integer::toString).toList());
	}

}
