package dev.patchwave.orchestrator.rollout;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.event.RolloutChanged;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What a reader is told of a rollout. The detailed view is what dashboards and scripts
 * poll while a rollout runs, twenty at a time or more: built from the database for each
 * of them, they would take the connection pool from the engine they are watching, and
 * wait with it. So a view once built is served to every reader, and built again in the
 * background when it is {@link RolloutReadProperties#freshFor()} old or the rollout
 * changed on this node: readers get the view they had meanwhile and never wait for a
 * build, but for a rollout's first (or one not read for five times that long). A rollout
 * that is gone is kept as gone, so a deleted draft reads as not found once its view is
 * built again.
 */
@Component
class RolloutViews {

	private final RolloutStore store;

	private final DeploymentStore deployments;

	private final RolloutOutlooks outlooks;

	/** The detailed view as served: built on every read, or kept and renewed. */
	private final LongFunction<Optional<RolloutView>> details;

	private final LoadingCache<Long, Optional<RolloutView>> kept;

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
			this.kept = Caffeine.newBuilder()
				.refreshAfterWrite(fresh)
				.expireAfterWrite(fresh.multipliedBy(5))
				.maximumSize(1_000)
				.build(this::detailNow);
			this.details = this.kept::get;
		}
	}

	/**
	 * The rollout with its projected timeline from where it stands, unless it has ended.
	 */
	RolloutView detail(long id) {
		return this.details.apply(id).orElseThrow(() -> new NotFoundException("rollout", id));
	}

	/**
	 * After the commit, so that the view is built from what was committed; one under way
	 * from before is renewed at the latest {@code freshFor} later.
	 */
	@TransactionalEventListener(fallbackExecution = true)
	void onChanged(RolloutChanged changed) {
		if (this.kept != null && this.kept.getIfPresent(changed.rolloutId()) != null) {
			this.kept.refresh(changed.rolloutId());
		}
	}

	/**
	 * After a command or a draft's change, once it is committed: the next read builds the
	 * view from what was committed, so whoever changed the rollout reads the change at
	 * once rather than the view kept from before it, renewed in the background. Changes
	 * the engine makes by itself renew the kept view in the background (see
	 * {@link #onChanged}).
	 */
	void forget(long id) {
		if (this.kept == null) {
			return;
		}
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					RolloutViews.this.kept.invalidate(id);
				}
			});
		}
		else {
			this.kept.invalidate(id);
		}
	}

	private Optional<RolloutView> detailNow(long id) {
		return this.store.rollout(id).map(rollout -> of(rollout, !rollout.state().isEnded()));
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
