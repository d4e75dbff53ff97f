package dev.patchwave.bench.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Clients reading the API as fast as it answers, as dashboards and scripts do while a
 * rollout runs: each reads the given paths in turn, one request at a time.
 */
final class Readers implements AutoCloseable {

	private static final int CAPACITY = 2_000_000;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final Map<String, Latencies> latencies = new LinkedHashMap<>();

	private final List<Thread> threads = new ArrayList<>();

	private Readers() {
	}

	static Readers start(ApiClient api, String authorization, List<String> paths, int clients) {
		Readers readers = new Readers();
		paths.forEach(path -> readers.latencies.put(path, new Latencies(CAPACITY)));
		for (int i = 0; i < clients; i++) {
			int first = i;
			readers.threads.add(Thread.ofPlatform().name("reader-" + i).start(() -> {
				for (int n = first; readers.running.get(); n++) {
					String path = paths.get(n % paths.size());
					long started = System.nanoTime();
					boolean ok;
					try {
						ok = api.status(path, authorization) == 200;
					}
					catch (RuntimeException ex) {
						ok = false;
					}
					readers.latencies.get(path).record(System.nanoTime() - started, ok);
				}
			}));
		}
		return readers;
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
