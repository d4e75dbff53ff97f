package dev.patchwave.orchestrator.rollout;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.event.RolloutChanged;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * What a reader is told of a rollout. The detailed view is what dashboards and scripts
 * poll while a rollout runs, twenty at a time or more: built from the database for each
 * of them, they would take the connection pool from the engine they are watching. So a
 * view once built is served to every reader for {@link RolloutReadProperties#freshFor()},
 * readers arriving while it is built wait for that one build, and every change of the
 * rollout committed on this node drops it, so none is served older than the last change
 * made here.
 */
@Component
class RolloutViews {

	private final RolloutStore store;

	private final DeploymentStore deployments;

	private final RolloutOutlooks outlooks;

	/** The detailed view as served: built on every read, or kept for a while. */
	private final LongFunction<RolloutView> details;

	private final LoadingCache<Long, RolloutView> kept;

	RolloutViews(RolloutStore store, DeploymentStore deployments, RolloutOutlooks outlooks,
			RolloutReadProperties properties) {
		this.store = store;
		this.deployments = deployments;
		this.outlooks = outlooks;
		Duration fresh = properties.freshFor();
		if (fresh.isZero()) {
			this.kept = null;
			this.details = this::detailNow;
		}
		else {
			this.kept = Caffeine.newBuilder().expireAfterWrite(fresh).maximumSize(1_000).build(this::detailNow);
			this.details = this.kept::get;
		}
	}

	/**
	 * The rollout with its projected timeline from where it stands, unless it has ended.
	 */
	RolloutView detail(long id) {
		return this.details.apply(id);
	}

	/**
	 * After the commit, so that a view built meanwhile from what was there before is
	 * dropped too.
	 */
	@TransactionalEventListener(fallbackExecution = true)
	void onChanged(RolloutChanged changed) {
		if (this.kept != null) {
			this.kept.invalidate(changed.rolloutId());
		}
	}

	private RolloutView detailNow(long id) {
		RolloutRow rollout = this.store.rollout(id).orElseThrow(() -> new NotFoundException("rollout", id));
		return of(rollout, !rollout.state().isEnded());
	}

	/** The rollout with its counts, waves and outlook; projected if {@code projected}. */
	RolloutView of(RolloutRow rollout, boolean projected) {
		Map<Long, Map<DeploymentState, Integer>> counts = this.deployments.countsByWave(rollout.id());
		List<WaveView> waves = this.store.waves(rollout.id())
			.stream()
			.map(wave -> WaveView.of(wave, DeploymentCounts.of(counts.getOrDefault(wave.id(), Map.of()))))
			.toList();
		DeploymentCounts totals = waves.stream()
			.map(WaveView::counts)
			.reduce(DeploymentCounts.NONE, DeploymentCounts::plus);
		RolloutOutlooks.Outlook outlook = this.outlooks.of(rollout, projected, totals.pending() + totals.dispatched());
		return new RolloutView(rollout.id(), rollout.name(), rollout.patchId(), outlook.patchTitle(),
				rollout.selector(), rollout.advance(), rollout.bakeTime(), rollout.notBefore(), rollout.state(),
				rollout.createdBy(), rollout.createdAt(), rollout.startedAt(), rollout.finishedAt(), totals, waves,
				outlook.waitingFor(), rollout.haltPolicy(), outlook.deadline(), outlook.deadlineReason(),
				outlook.windows(), outlook.waitingForWindow(), outlook.projection());
	}

}
