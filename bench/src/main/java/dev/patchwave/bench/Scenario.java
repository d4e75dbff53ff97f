package dev.patchwave.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.boot.convert.DurationStyle;

/**
 * One rollout to measure: its waves, run one after the other, and how long the simulator
 * takes per install. Written {@code 1000x50@200ms}: 1000 targets, at most 50 at a time,
 * 200ms per install; waves are joined with {@code +}, as in {@code 50x10+500x50@100ms}.
 */
public record Scenario(List<Wave> waves, Duration latency) {

	public Scenario {
		waves = List.copyOf(waves);
	}

	/**
	 * Public and named {@code of}: that is how Spring's conversion finds it to read
	 * scenarios from properties.
	 */
	public static Scenario of(String text) {
		String[] parts = text.trim().split("@");
		if (parts.length != 2) {
			throw new IllegalArgumentException("'%s' is not a scenario like 1000x50@200ms".formatted(text));
		}
		return new Scenario(Arrays.stream(parts[0].split("\\+")).map(Wave::of).toList(),
				DurationStyle.detectAndParse(parts[1].trim()));
	}

	public int targets() {
		return this.waves.stream().mapToInt(Wave::targets).sum();
	}

	/**
	 * The design's promise: as slots refill at once, each wave takes ceil(n/C) install
	 * latencies.
	 */
	public Duration ideal() {
		return this.latency.multipliedBy(
				this.waves.stream().mapToLong(wave -> Math.ceilDiv(wave.targets(), wave.concurrency())).sum());
	}

	/**
	 * The installs that should run at once at the peak: every slot of the widest wave, if
	 * it has targets enough.
	 */
	int expectedPeak() {
		return this.waves.stream().mapToInt(wave -> Math.min(wave.targets(), wave.concurrency())).max().orElse(0);
	}

	@Override
	public String toString() {
		return this.waves.stream().map(Wave::toString).collect(Collectors.joining("+")) + "@" + this.latency.toMillis()
				+ "ms";
	}

	public record Wave(int targets, int concurrency) {

		public Wave {
			if (targets < 1 || concurrency < 1) {
				throw new IllegalArgumentException("a wave needs at least one target and one slot");
			}
		}

		static Wave of(String text) {
			String[] parts = text.trim().split("x");
			if (parts.length != 2) {
				throw new IllegalArgumentException("'%s' is not a wave like 1000x50".formatted(text));
			}
			return new Wave(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
		}

		@Override
		public String toString() {
			return this.targets + "x" + this.concurrency;
		}

	}

}
