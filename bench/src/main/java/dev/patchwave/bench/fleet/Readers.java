package dev.patchwave.bench.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Clients reading the API while a rollout runs, as dashboards and scripts do: each reads
 * the given paths in turn, one request at a time, either once per interval or, with a
 * zero interval, as fast as the server answers. A paced client's latency is counted from
 * when its request was due, not from when it went out, so a slow answer that delays the
 * next request is not hidden (no coordinated omission). Clients read from the start, as
 * dashboards poll before anyone starts a rollout; their reads count from
 * {@link #measureFrom} on.
 */
final class Readers implements AutoCloseable {

	private static final int CAPACITY = 2_000_000;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final List<String> paths;

	/** Empty until the reads count. */
	private volatile Map<String, Latencies> latencies = Map.of();

	private final List<Thread> threads = new ArrayList<>();

	private Readers(List<String> paths) {
		this.paths = paths;
	}

	static Readers start(ApiClient api, String authorization, List<String> paths, int clients, Duration interval) {
		Readers readers = new Readers(List.copyOf(paths));
		long every = interval.toNanos();
		long start = System.nanoTime();
		for (int i = 0; i < clients; i++) {
			int first = i;
			// spread over the interval, so that the clients do not all ask at once
			long firstDue = start + every * i / clients;
			readers.threads.add(Thread.ofPlatform().name("reader-" + i).start(() -> {
				long due = firstDue;
				for (int n = first; readers.running.get(); n++) {
					if (every > 0) {
						waitUntil(due, readers.running);
					}
					long started = every > 0 ? due : System.nanoTime();
					String path = paths.get(n % paths.size());
					boolean ok;
					try {
						ok = api.status(path, authorization) == 200;
					}
					catch (RuntimeException ex) {
						ok = false;
					}
					long elapsed = System.nanoTime() - started;
					Latencies counted = readers.latencies.get(path);
					if (counted != null && started >= counted.start()) {
						counted.record(started, elapsed, ok);
					}
					due += every;
				}
			}));
		}
		return readers;
	}

	/**
	 * Pacing a client, not waiting for an event: there is nothing to wait on but time.
	 */
	private static void waitUntil(long due, AtomicBoolean running) {
		for (long left = due - System.nanoTime(); left > 0 && running.get(); left = due - System.nanoTime()) {
			LockSupport.parkNanos(left);
		}
	}

	/** Counts the reads due from {@code start} ({@link System#nanoTime()}) on. */
	void measureFrom(long start) {
		Map<String, Latencies> counted = new LinkedHashMap<>();
		this.paths.forEach(path -> counted.put(path, new Latencies(CAPACITY, start)));
		this.latencies = Collections.unmodifiableMap(counted);
	}

	Map<String, Latencies> latencies() {
		return this.latencies;
	}

	@Override
	public void close() throws InterruptedException {
		this.running.set(false);
		for (Thread thread : this.threads) {
			thread.join();
		}
	}

}
