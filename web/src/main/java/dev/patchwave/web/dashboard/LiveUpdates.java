package dev.patchwave.web.dashboard;

import dev.patchwave.orchestrator.event.RolloutChanged;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter.SseEventBuilder;

/**
 * Tells browsers watching a rollout that it changed, over server-sent events. The engine
 * announces every committed change, many a second while a wave runs, and each
 * announcement costs a watcher a page render; so a change only marks its rollout dirty,
 * and one flush every half second tells each watcher at most once.
 */
@Component
class LiveUpdates implements SmartLifecycle {

	static final String CHANGED = "changed";

	private static final Logger log = LoggerFactory.getLogger(LiveUpdates.class);

	static final Duration FLUSH_INTERVAL = Duration.ofMillis(500);

	// proxies close idle connections, and a browser that went away is only noticed when a
	// write fails
	private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(15);

	// a bound, so a stream nobody reads any more is freed at last; EventSource reconnects
	// by itself, and each
	// reconnect keeps the session alive while the page is open, as the overview's polling
	// does
	private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(10);

	private final Map<Long, Set<SseEmitter>> watchers = new ConcurrentHashMap<>();

	private final Set<Long> dirty = ConcurrentHashMap.newKeySet();

	private volatile ScheduledExecutorService scheduler;

	SseEmitter watch(long rolloutId) {
		SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
		add(rolloutId, emitter);
		// the page was rendered before this stream opened and may have missed changes:
		// let it catch up once
		send(rolloutId, emitter, changed(rolloutId));
		return emitter;
	}

	void add(long rolloutId, SseEmitter emitter) {
		this.watchers.compute(rolloutId, (id, emitters) -> {
			Set<SseEmitter> all = emitters == null ? ConcurrentHashMap.newKeySet() : emitters;
			all.add(emitter);
			return all;
		});
		emitter.onCompletion(() -> remove(rolloutId, emitter));
		emitter.onError(ex -> remove(rolloutId, emitter));
		emitter.onTimeout(emitter::complete);
	}

	@EventListener
	void onChanged(RolloutChanged changed) {
		if (this.watchers.containsKey(changed.rolloutId())) {
			this.dirty.add(changed.rolloutId());
		}
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("patchwave-live").daemon().factory());
		executor.scheduleWithFixedDelay(guarded(this::flush), FLUSH_INTERVAL.toMillis(), FLUSH_INTERVAL.toMillis(),
				TimeUnit.MILLISECONDS);
		executor.scheduleWithFixedDelay(guarded(this::heartbeat), HEARTBEAT_INTERVAL.toMillis(),
				HEARTBEAT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
		this.scheduler = executor;
	}

	/**
	 * Ends every stream first: open streams would otherwise hold up a graceful shutdown
	 * of the web server.
	 */
	@Override
	public void stop() {
		this.scheduler.shutdownNow();
		this.scheduler = null;
		this.watchers.values().forEach(emitters -> emitters.forEach(SseEmitter::complete));
		this.watchers.clear();
		this.dirty.clear();
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	private void flush() {
		for (Long rolloutId : this.dirty) {
			this.dirty.remove(rolloutId);
			this.watchers.getOrDefault(rolloutId, Set.of())
				.forEach(emitter -> send(rolloutId, emitter, changed(rolloutId)));
		}
	}

	private void heartbeat() {
		this.watchers.forEach((rolloutId, emitters) -> emitters
			.forEach(emitter -> send(rolloutId, emitter, SseEmitter.event().comment("heartbeat"))));
	}

	private void send(long rolloutId, SseEmitter emitter, SseEventBuilder event) {
		try {
			emitter.send(event);
		}
		catch (IOException | IllegalStateException ex) {
			// the browser went away or the stream ended: the container completes it, we
			// only stop writing
			log.debug("Dropping a watcher of rollout {}: {}", rolloutId, ex.getMessage());
			remove(rolloutId, emitter);
		}
	}

	private void remove(long rolloutId, SseEmitter emitter) {
		this.watchers.computeIfPresent(rolloutId, (id, emitters) -> {
			emitters.remove(emitter);
			return emitters.isEmpty() ? null : emitters;
		});
	}

	private static SseEventBuilder changed(long rolloutId) {
		return SseEmitter.event().name(CHANGED).data(Long.toString(rolloutId));
	}

	private static Runnable guarded(Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				// a periodic task that throws is never run again; one bad round must not
				// end live updates
				log.warn("Live update round failed", ex);
			}
		};
	}

}
