package dev.patchwave.orchestrator.rollout;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.patchwave.common.connector.ConnectorHealth;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.patch.PatchCatalog;
import dev.patchwave.orchestrator.patch.PatchCatalog.CatalogEntry;
import dev.patchwave.orchestrator.plan.PlanningProperties.Deadline;
import dev.patchwave.orchestrator.window.Windows;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What a reader of a rollout is told beside its counts: its patch, deadline and windows,
 * the connectors and windows holding it up, and its projected finish. The projection
 * takes a pass over every open target, and the rest several queries; twenty clients
 * reading a rollout of 100,000 must not each pay that, nor wait while one does. So those
 * are served for {@link #FRESH} and then renewed in the background, the older ones served
 * meanwhile; a change of the rollout's row (its state above all) renews them at once. The
 * counts, the waves and what holds the rollout up now are read whenever a view is built
 * (see {@link RolloutViews}).
 * <p>
 * A projection that took long to make is renewed less often, not before
 * {@link #RENEW_AFTER_COST} times what it cost: renewing a projection of 100,000 targets
 * (most of a second of CPU) every two seconds took a share of the cores from the engine
 * it projects. And a rollout with more than {@link #PROJECT_IN_BACKGROUND_FROM} open
 * targets is first projected in the background: its first readers get the view at once,
 * without a projection for those seconds, rather than all waiting for it.
 */
@Component
class RolloutOutlooks {

	private static final Duration FRESH = Duration.ofSeconds(2);

	/**
	 * The oldest outlook served to a reader who comes back after a long while: such a
	 * reader waits for a new one rather than being shown an old one while it is renewed.
	 */
	private static final Duration OLDEST = FRESH.multipliedBy(5);

	static final int RENEW_AFTER_COST = 20;

	static final int PROJECT_IN_BACKGROUND_FROM = 10_000;

	private final ConnectorLoads loads;

	private final PatchCatalog catalog;

	private final RolloutDeadlines deadlines;

	private final RolloutProjections projections;

	private final Windows windows;

	private final ConnectorInstances connectors;

	private final LoadingCache<Seen, Built> outlooks = Caffeine.newBuilder()
		.refreshAfterWrite(FRESH)
		.expireAfterWrite(OLDEST)
		.maximumSize(1_000)
		.build(new CacheLoader<>() {
			@Override
			public Built load(Seen seen) {
				return build(seen);
			}

			@Override
			public Built reload(Seen seen, Built built) {
				return built.dueForRenewal() ? build(seen) : built;
			}
		});

	RolloutOutlooks(ConnectorLoads loads, PatchCatalog catalog, RolloutDeadlines deadlines,
			RolloutProjections projections, Windows windows, ConnectorInstances connectors) {
		this.loads = loads;
		this.catalog = catalog;
		this.deadlines = deadlines;
		this.projections = projections;
		this.windows = windows;
		this.connectors = connectors;
	}

	/**
	 * The rollout's outlook, with its projection if {@code projected} and, for a rollout
	 * with many {@code openTargets}, once it has been made.
	 */
	Outlook of(RolloutRow rollout, boolean projected, int openTargets) {
		Outlook slow = slow(new Seen(rollout, projected), openTargets);
		// what holds a running rollout up right now is read live: a wave waiting for a
		// window or a connector must say so as soon as it does
		return new Outlook(slow.patchTitle(), rollout.state().isEnded() ? List.of() : waitingFor(rollout.id()),
				slow.deadline(), slow.deadlineReason(), slow.windows(),
				rollout.state() == RolloutState.RUNNING ? this.projections.waits(rollout) : List.of(),
				slow.projection());
	}

	private Outlook slow(Seen seen, int openTargets) {
		if (seen.projected() && openTargets > PROJECT_IN_BACKGROUND_FROM) {
			Built made = this.outlooks.getIfPresent(seen);
			if (made == null) {
				this.outlooks.refresh(seen);
				return this.outlooks.get(new Seen(seen.rollout(), false)).outlook();
			}
			return made.outlook();
		}
		return this.outlooks.get(seen).outlook();
	}

	private Built build(Seen seen) {
		long started = System.nanoTime();
		RolloutRow rollout = seen.rollout();
		Optional<Patch> patch = this.catalog.find(rollout.patchId()).map(CatalogEntry::patch);
		Optional<Deadline> deadline = this.deadlines.get(rollout.id());
		Projection projection = seen.projected() && patch.isPresent()
				? this.projections.ofRollout(rollout, patch.get(), deadline.map(Deadline::at).orElse(null)) : null;
		Outlook outlook = new Outlook(patch.map(Patch::title).orElse(rollout.patchId()), List.of(),
				deadline.map(Deadline::at).orElse(null), deadline.map(Deadline::reason).orElse(null),
				this.windows.forRollout(rollout.id()).windowNames(), List.of(), projection);
		long finished = System.nanoTime();
		return new Built(outlook, finished, finished - started);
	}

	/**
	 * Connectors holding this rollout up: down or failing, with targets waiting for them
	 * or held back.
	 */
	private List<ConnectorWait> waitingFor(long rolloutId) {
		List<ConnectorWait> waits = new ArrayList<>();
		for (ConnectorLoads.ConnectorLoad load : this.loads.of(rolloutId, this.connectors.notUp())) {
			ConnectorHealth health = this.connectors.health(load.connector());
			if (load.waiting() > 0 || (load.pending() > 0 && health.status() != ConnectorHealth.Status.UP)) {
				waits.add(new ConnectorWait(load.connector(), health.status(), health.detail(), health.since(),
						health.retryAt(), load.waiting(), load.pending()));
			}
		}
		return waits;
	}

	/** A rollout as a reader saw it, and whether the reader asked for its projection. */
	private record Seen(RolloutRow rollout, boolean projected) {

	}

	/** An outlook, when it was made and what that took, in nanoseconds. */
	private record Built(Outlook outlook, long madeAt, long took) {

		boolean dueForRenewal() {
			return System.nanoTime() - this.madeAt >= RENEW_AFTER_COST * this.took;
		}

	}

	record Outlook(String patchTitle, List<ConnectorWait> waitingFor, Instant deadline, String deadlineReason,
			List<String> windows, List<WindowWait> waitingForWindow, Projection projection) {

	}

}
