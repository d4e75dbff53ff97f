package dev.patchwave.orchestrator.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Decisions about one rollout are taken one at a time on this node, under that rollout's
 * lock, with the rollout's id in the log context; different rollouts go on in parallel.
 */
@Component
class RolloutLocks {

	private final Map<Long, ReentrantLock> locks = new ConcurrentHashMap<>();

	void run(long rolloutId, Runnable action) {
		call(rolloutId, () -> {
			action.run();
			return null;
		});
	}

	<T> T call(long rolloutId, Supplier<T> action) {
		ReentrantLock lock = this.locks.computeIfAbsent(rolloutId, id -> new ReentrantLock());
		lock.lock();
		String previous = MDC.get("rollout");
		MDC.put("rollout", Long.toString(rolloutId));
		try {
			return action.get();
		}
		finally {
			if (previous == null) {
				MDC.remove("rollout");
			}
			else {
				MDC.put("rollout", previous);
			}
			lock.unlock();
		}
	}

}
