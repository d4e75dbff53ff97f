package dev.patchwave.bench.fleet;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/** Response times of one endpoint, kept whole so percentiles are exact. */
final class Latencies {

	private final long[] nanos;

	private final AtomicInteger count = new AtomicInteger();

	private final AtomicInteger errors = new AtomicInteger();

	Latencies(int capacity) {
		this.nanos = new long[capacity];
	}

	void record(long elapsedNanos, boolean ok) {
		if (!ok) {
			this.errors.incrementAndGet();
		}
		int at = this.count.getAndIncrement();
		if (at < this.nanos.length) {
			this.nanos[at] = elapsedNanos;
		}
	}

	int count() {
		return Math.min(this.count.get(), this.nanos.length);
	}

	int errors() {
		return this.errors.get();
	}

	/** The p-th percentile (0 to 100) of what was recorded, nearest rank. */
	Duration percentile(double p) {
		int n = count();
		if (n == 0) {
			return Duration.ZERO;
		}
		long[] sorted = Arrays.copyOf(this.nanos, n);
		Arrays.sort(sorted);
		int rank = (int) Math.ceil(p / 100 * n);
		return Duration.ofNanos(sorted[Math.max(0, rank - 1)]);
	}

}
