package dev.patchwave.bench.fleet;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongPredicate;
import java.util.stream.IntStream;

/**
 * Response times of one endpoint, kept whole so percentiles are exact, each with when its
 * read was due, so that slow reads can be placed in the run.
 */
final class Latencies {

	/** A read slower than this counts as slow. */
	static final Duration SLOW = Duration.ofMillis(50);

	/** The first seconds of the count: the rollout starts at its beginning. */
	static final Duration OPENING = Duration.ofSeconds(10);

	private final long[] nanos;

	private final long[] dueAfterStart;

	private final long start;

	private final AtomicInteger count = new AtomicInteger();

	private final AtomicInteger errors = new AtomicInteger();

	/**
	 * @param start when the reads began to count, as {@link System#nanoTime()}
	 */
	Latencies(int capacity, long start) {
		this.nanos = new long[capacity];
		this.dueAfterStart = new long[capacity];
		this.start = start;
	}

	/** When the readers' counting began, as {@link System#nanoTime()}. */
	long start() {
		return this.start;
	}

	/**
	 * @param due when the read was due (or sent), as {@link System#nanoTime()}
	 */
	void record(long due, long elapsedNanos, boolean ok) {
		if (!ok) {
			this.errors.incrementAndGet();
		}
		int at = this.count.getAndIncrement();
		if (at < this.nanos.length) {
			this.nanos[at] = elapsedNanos;
			this.dueAfterStart[at] = due - this.start;
		}
	}

	/** Reads slower than {@link #SLOW}. */
	int slow() {
		return slowWhere(due -> true);
	}

	/** Reads slower than {@link #SLOW} that were due in the {@link #OPENING}. */
	int slowInOpening() {
		return slowWhere(due -> due < OPENING.toNanos());
	}

	private int slowWhere(LongPredicate due) {
		int slow = 0;
		for (int i = 0; i < count(); i++) {
			if (this.nanos[i] > SLOW.toNanos() && due.test(this.dueAfterStart[i])) {
				slow++;
			}
		}
		return slow;
	}

	int count() {
		return Math.min(this.count.get(), this.nanos.length);
	}

	int errors() {
		return this.errors.get();
	}

	/** The p-th percentile (0 to 100) of what was recorded, nearest rank. */
	Duration percentile(double p) {
		return percentile(p, 0);
	}

	/** The p-th percentile of the reads due after the {@link #OPENING}. */
	Duration percentileAfterOpening(double p) {
		return percentile(p, OPENING.toNanos());
	}

	private Duration percentile(double p, long dueFrom) {
		long[] sorted = IntStream.range(0, count())
			.filter(i -> this.dueAfterStart[i] >= dueFrom)
			.mapToLong(i -> this.nanos[i])
			.sorted()
			.toArray();
		if (sorted.length == 0) {
			return Duration.ZERO;
		}
		int rank = (int) Math.ceil(p / 100 * sorted.length);
		return Duration.ofNanos(sorted[Math.max(0, rank - 1)]);
	}

}
