package dev.patchwave.orchestrator.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The connector calls this node waits for, and the threads their answers are handled on:
 * virtual threads for the work, one timer for retries, each handling under its rollout's
 * lock, and no answer's failure lost in a callback.
 */
@Component
class CallsInFlight {

	private static final Logger log = LoggerFactory.getLogger(CallsInFlight.class);

	private final RolloutLocks locks;

	private final EngineMetrics metrics;

	/**
	 * Deployments whose connector call is outstanding on this node, with their rollout.
	 */
	private final Map<Long, Long> inFlight = new ConcurrentHashMap<>();

	private final ExecutorService work = Executors
		.newThreadPerTaskExecutor(Thread.ofVirtual().name("patchwave-result-", 0).factory());

	private final ScheduledExecutorService timers = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("patchwave-retry").daemon().factory());

	CallsInFlight(RolloutLocks locks, ObjectProvider<MeterRegistry> meterRegistry) {
		this.locks = locks;
		this.metrics = new EngineMetrics(meterRegistry.getIfAvailable(() -> Metrics.globalRegistry),
				this.inFlight.keySet());
	}

	EngineMetrics metrics() {
		return this.metrics;
	}

	void add(Call call) {
		this.inFlight.put(call.deploymentId(), call.rolloutId());
	}

	void remove(long deploymentId) {
		this.inFlight.remove(deploymentId);
	}

	boolean contains(long deploymentId) {
		return this.inFlight.containsKey(deploymentId);
	}

	/** Forgets every call of a rollout: its connectors are asked afresh. */
	void forget(long rolloutId) {
		this.inFlight.values().removeIf(owner -> owner == rolloutId);
	}

	ExecutorService work() {
		return this.work;
	}

	void execute(Runnable task) {
		this.work.execute(task);
	}

	void schedule(Runnable task, Duration after) {
		this.timers.schedule(() -> this.work.execute(task), after.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Runs under the rollout's lock; a lease lost to another node ends the work quietly,
	 * since that node now carries it.
	 */
	void guarded(long rolloutId, Runnable action) {
		try {
			this.locks.run(rolloutId, action);
		}
		catch (LeaseLostException ex) {
			log.info("{}; leaving the rest to it", ex.getMessage());
		}
	}

	/**
	 * Runs the handling of a connector's answer; should it fail (the database gone a
	 * moment, say), the call is no longer counted in flight here, so a reconcile asks
	 * about it again, and the error is logged, not lost in a callback.
	 */
	void unfailing(Call call, Runnable handling) {
		try {
			handling.run();
		}
		catch (RuntimeException ex) {
			remove(call.deploymentId());
			log.error("Handling the answer about {} in rollout {} failed; a reconcile asks again", call.target().name(),
					call.rolloutId(), ex);
		}
	}

	/** A connector call that throws at once completes exceptionally instead. */
	static <T> CompletionStage<T> attempt(Supplier<CompletionStage<T>> call) {
		try {
			return call.get();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	@PreDestroy
	void shutdown() {
		this.timers.shutdownNow();
		this.work.shutdownNow();
	}

}
