package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.wave.WaveState;
import dev.patchwave.orchestrator.rollout.RolloutRow;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import dev.patchwave.orchestrator.rollout.WaveRow;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * This node's heartbeat: renews the leases of the rollouts it owns, takes over those of
 * nodes that stopped, steps every rollout it owns, and finds work that fell through: a
 * lost step, a timer that did not fire, a result that never came, a call a crash left
 * behind. Ownership is per node, so this runs on every node, on its own clock, rather
 * than as a clustered Quartz job, which would run on one node only.
 */
@Component
public class Reconciler {

	private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

	private final Ownership ownership;

	private final RolloutDriver driver;

	private final RolloutCommands commands;

	private final RolloutStore store;

	private final EngineProperties properties;

	private final Clock clock;

	private final ScheduledExecutorService heartbeat = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("patchwave-heartbeat").daemon().factory());

	Reconciler(Ownership ownership, RolloutDriver driver, RolloutCommands commands, RolloutStore store,
			EngineProperties properties, Clock clock) {
		this.ownership = ownership;
		this.driver = driver;
		this.commands = commands;
		this.store = store;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Starts the heartbeat once the application is up. Its first beat takes over, at
	 * once, the rollouts this node's name held before a restart, and any whose lease is
	 * free or expired; for each, the connectors are asked what became of the calls in
	 * flight before anything is sent.
	 */
	@EventListener(ApplicationReadyEvent.class)
	public void start() {
		log.info("Engine node {} starts: leases of {}, heartbeat every {}", this.ownership.node(),
				this.properties.leaseDuration(), this.properties.heartbeatInterval());
		this.heartbeat.scheduleWithFixedDelay(this::beat, 0, this.properties.heartbeatInterval().toMillis(),
				TimeUnit.MILLISECONDS);
		long every = this.properties.reconcileInterval().toMillis();
		this.heartbeat.scheduleWithFixedDelay(this::reconcileAll, every, every, TimeUnit.MILLISECONDS);
	}

	/** Looks after every rollout this node owns: calls without answer, then a step. */
	public void reconcileAll() {
		for (long rolloutId : this.ownership.owned()) {
			try {
				this.driver.reconcile(rolloutId, this.properties.orphanAfter());
			}
			catch (RuntimeException ex) {
				log.error("Reconcile of rollout {} failed; it is tried again at the next reconcile", rolloutId, ex);
			}
		}
	}

	private void beat() {
		try {
			this.ownership.renew();
			for (long rolloutId : this.ownership.takeOver()) {
				eachOnItsOwn(rolloutId, () -> {
					this.driver.forgetCalls(rolloutId);
					this.driver.reconcile(rolloutId, Duration.ZERO);
				});
			}
			for (long rolloutId : this.ownership.owned()) {
				eachOnItsOwn(rolloutId, () -> {
					catchUpTimers(rolloutId);
					this.driver.stepAfterCommand(rolloutId);
					if (this.ownership.releaseIfDone(rolloutId)) {
						this.driver.forgetRollout(rolloutId);
					}
				});
			}
		}
		catch (RuntimeException ex) {
			log.warn("Heartbeat of node {} failed; trying again in {}", this.ownership.node(),
					this.properties.heartbeatInterval(), ex);
		}
	}

	/** One rollout's trouble must not cost the others their beat. */
	private void eachOnItsOwn(long rolloutId, Runnable work) {
		try {
			work.run();
		}
		catch (RuntimeException ex) {
			log.warn("Heartbeat work on rollout {} failed; tried again at the next beat", rolloutId, ex);
		}
	}

	/**
	 * Starts a scheduled rollout and ends a bake whose time has come, should their Quartz
	 * trigger have been lost or have failed.
	 */
	private void catchUpTimers(long rolloutId) {
		Instant now = this.clock.instant();
		RolloutRow rollout = this.store.rollout(rolloutId).orElse(null);
		if (rollout == null) {
			return;
		}
		if (rollout.state() == RolloutState.SCHEDULED && !rollout.notBefore().isAfter(now)) {
			this.commands.startScheduled(rolloutId);
		}
		for (WaveRow wave : this.store.waves(rolloutId)) {
			if (wave.state() == WaveState.BAKING && !wave.bakeUntil().isAfter(now)) {
				this.commands.endBake(rolloutId, wave.position());
			}
		}
	}

	/**
	 * Lets a beat under way finish before the database goes, rather than interrupting it
	 * half way.
	 */
	@PreDestroy
	void stop() throws InterruptedException {
		this.heartbeat.shutdown();
		if (!this.heartbeat.awaitTermination(10, TimeUnit.SECONDS)) {
			this.heartbeat.shutdownNow();
		}
	}

}
