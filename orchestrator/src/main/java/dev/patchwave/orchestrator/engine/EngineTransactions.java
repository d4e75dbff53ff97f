package dev.patchwave.orchestrator.engine;

import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The transactions the engine writes a rollout's decisions in: each decision is committed
 * before it is acted on.
 */
@Component
class EngineTransactions {

	private final TransactionTemplate tx;

	EngineTransactions(TransactionTemplate tx) {
		this.tx = tx;
	}

	void run(long rolloutId, Runnable action) {
		call(rolloutId, () -> {
			action.run();
			return null;
		});
	}

	<T> T call(long rolloutId, Supplier<T> action) {
		return this.tx.execute(status -> action.get());
	}

}
