package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Finds work that fell through: a lost step, a result that never came, a call a crash
 * left behind.
 */
@Component
public class Reconciler {

	private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

	private static final List<RolloutState> ACTIVE = List.of(RolloutState.RUNNING, RolloutState.PAUSED,
			RolloutState.HALTED, RolloutState.ROLLING_BACK);

	private final RolloutStore store;

	private final RolloutDriver driver;

	private final EngineScheduler scheduler;

	private final EngineProperties properties;

	Reconciler(RolloutStore store, RolloutDriver driver, EngineScheduler scheduler, EngineProperties properties) {
		this.store = store;
		this.driver = driver;
		this.scheduler = scheduler;
		this.properties = properties;
	}

	/**
	 * Takes every active rollout one step further and asks about calls whose results
	 * never came.
	 */
	public void reconcileAll() {
		for (long rolloutId : this.store.rolloutIdsIn(ACTIVE)) {
			try {
				this.driver.reconcile(rolloutId, this.properties.orphanAfter());
			}
			catch (RuntimeException ex) {
				log.error("Reconcile of rollout {} failed; it is tried again at the next reconcile", rolloutId, ex);
			}
		}
	}

	/**
	 * After a restart no call is outstanding on this node: the connector of every target
	 * still marked dispatched is asked at once what became of it.
	 */
	@EventListener(ApplicationReadyEvent.class)
	public void recover() {
		this.scheduler.ensureReconcile(this.properties.reconcileInterval());
		for (long rolloutId : this.store.rolloutIdsIn(ACTIVE)) {
			this.driver.reconcile(rolloutId, Duration.ZERO);
		}
	}

}
