package dev.patchwave.web.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchwave.orchestrator.event.RolloutChanged;
import dev.patchwave.web.ApiClient;
import dev.patchwave.web.PatchwaveWebTest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * How rollout changes reach the browsers watching them: a burst of engine events becomes
 * a few {@code changed} events, only for that rollout, and a watcher whose connection
 * broke is dropped. Rollout ids here are negative, so no real rollout's events interfere.
 */
@PatchwaveWebTest
class LiveUpdatesTest {

	private static final Duration QUIET = Duration.ofMillis(1500);

	@LocalServerPort
	int port;

	@Autowired
	LiveUpdates live;

	@Autowired
	ApplicationEventPublisher events;

	private final long rollout = -ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);

	@Test
	void aBurstOfChangesReachesAWatcherAsOneEventPerFlushNotOnePerChange() {
		RecordingEmitter watcher = new RecordingEmitter();
		this.live.add(this.rollout, watcher);

		int allowed = burst(this.rollout, 500);

		await().atMost(Duration.ofSeconds(5)).until(() -> watcher.changes() >= 1);
		await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> watcher.changes() <= allowed);
		int afterFirstBurst = watcher.changes();

		int allowedAgain = burst(this.rollout, 500);

		await().atMost(Duration.ofSeconds(5)).until(() -> watcher.changes() > afterFirstBurst);
		await().during(QUIET)
			.atMost(QUIET.plusSeconds(2))
			.until(() -> watcher.changes() <= afterFirstBurst + allowedAgain);
		assertThat(watcher.changed).allSatisfy(event -> assertThat(event).contains("data:" + this.rollout));
	}

	@Test
	void onlyWatchersOfTheChangedRolloutAreTold() {
		RecordingEmitter watcher = new RecordingEmitter();
		RecordingEmitter other = new RecordingEmitter();
		this.live.add(this.rollout, watcher);
		this.live.add(this.rollout - 1, other);

		burst(this.rollout, 10);

		await().atMost(Duration.ofSeconds(5)).until(() -> watcher.changes() >= 1);
		await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> other.changes() == 0);
	}

	@Test
	void aWatcherWhoseConnectionBrokeIsDroppedAndNotWrittenToAgain() {
		BrokenEmitter broken = new BrokenEmitter();
		RecordingEmitter healthy = new RecordingEmitter();
		this.live.add(this.rollout, broken);
		this.live.add(this.rollout, healthy);

		burst(this.rollout, 10);
		await().atMost(Duration.ofSeconds(5)).until(() -> healthy.changes() == 1);
		burst(this.rollout, 10);
		await().atMost(Duration.ofSeconds(5)).until(() -> healthy.changes() == 2);

		assertThat(broken.attempts).hasValue(1);
	}

	@Test
	void theLiveStreamIsForSignedInPeopleOnly() {
		ApiClient.Response response = new ApiClient(this.port, null).get("/rollouts/1/live");

		assertThat(response.status()).isEqualTo(302);
		assertThat(response.location()).endsWith("/login");
	}

	/**
	 * Publishes the changes; returns the most events a watcher may get for them: one per
	 * flush the burst overlapped, however slowly the machine ran it.
	 */
	private int burst(long rolloutId, int changes) {
		long started = System.nanoTime();
		for (int i = 0; i < changes; i++) {
			this.events.publishEvent(new RolloutChanged(rolloutId));
		}
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		return 2 + (int) (took.toMillis() / LiveUpdates.FLUSH_INTERVAL.toMillis());
	}

	/**
	 * Keeps the {@code changed} events that would have been written to the browser;
	 * heartbeats are not.
	 */
	static class RecordingEmitter extends SseEmitter {

		final List<String> changed = new CopyOnWriteArrayList<>();

		@Override
		public void send(SseEventBuilder event) {
			StringBuilder text = new StringBuilder();
			event.build().forEach(part -> text.append(part.getData()));
			if (text.toString().startsWith("event:" + LiveUpdates.CHANGED + "\n")) {
				this.changed.add(text.toString());
			}
		}

		int changes() {
			return this.changed.size();
		}

	}

	/** A browser that went away: every write fails, as it does on a closed connection. */
	static class BrokenEmitter extends SseEmitter {

		final AtomicInteger attempts = new AtomicInteger();

		@Override
		public void send(SseEventBuilder event) throws IOException {
			this.attempts.incrementAndGet();
			throw new IOException("Broken pipe");
		}

	}

}
