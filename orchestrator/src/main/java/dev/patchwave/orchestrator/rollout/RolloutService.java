package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.rollout.HaltPolicy;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.target.Target;
import dev.patchwave.orchestrator.ConflictException;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.Page;
import dev.patchwave.orchestrator.event.EventJournal;
import dev.patchwave.orchestrator.event.RolloutEvent;
import dev.patchwave.orchestrator.plan.Plan;
import dev.patchwave.orchestrator.plan.PlanningProperties.Deadline;
import dev.patchwave.orchestrator.rollout.RolloutPlanner.Draft;
import dev.patchwave.orchestrator.window.MaintenanceWindow;
import dev.patchwave.orchestrator.window.Windows;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes rollouts as {@link RolloutPlanner} plans them, answers what they look like, and
 * passes operators' commands to the engine.
 */
@Service
public class RolloutService {

	private static final Logger log = LoggerFactory.getLogger(RolloutService.class);

	private final RolloutStore store;

	private final DeploymentStore deployments;

	private final RolloutOverlaps overlaps;

	private final RolloutPlanner planner;

	private final EventJournal journal;

	private final RolloutOperations engine;

	private final Windows windows;

	private final RolloutDeadlines deadlines;

	private final RolloutProjections projections;

	private final RolloutViews views;

	private final DraftPlans drafts;

	private final Clock clock;

	public RolloutService(RolloutStore store, DeploymentStore deployments, RolloutOverlaps overlaps,
			RolloutPlanner planner, EventJournal journal, RolloutOperations engine, Windows windows,
			RolloutDeadlines deadlines, RolloutProjections projections, RolloutViews views, DraftPlans drafts,
			Clock clock) {
		this.store = store;
		this.deployments = deployments;
		this.overlaps = overlaps;
		this.planner = planner;
		this.journal = journal;
		this.engine = engine;
		this.windows = windows;
		this.deadlines = deadlines;
		this.projections = projections;
		this.views = views;
		this.drafts = drafts;
		this.clock = clock;
	}

	/**
	 * Validates the request, selects the targets, places them in waves and writes the
	 * rollout as a draft with its windows and deadline, all in one transaction: a refused
	 * request names every field at fault and leaves nothing behind.
	 */
	@Transactional
	public RolloutView create(RolloutRequest request, String actor) {
		Draft draft = this.planner.draft(request);
		long id = this.store.insert(row(0, request, draft, actor), draft.plan().withSkippedInFirstWave());
		attachPlan(id, draft);
		this.journal.append(id, actor, "CREATED", "Planned " + describe(draft));
		return get(id);
	}

	/**
	 * Replaces a draft's plan with the request's, checked exactly as {@link #create}
	 * checks it, in one transaction: refused, the draft stays as it was. Only a draft:
	 * once started, a rollout's plan is what the engine follows.
	 */
	@Transactional
	public RolloutView replace(long id, RolloutRequest request, String actor) {
		claimDraft(id, "replanned");
		Draft draft = this.planner.draft(request);
		this.drafts.clearPlan(id);
		this.drafts.replace(row(id, request, draft, actor));
		this.store.insertWaves(id, draft.plan().withSkippedInFirstWave());
		attachPlan(id, draft);
		this.journal.append(id, actor, "REPLANNED", "Planned again " + describe(draft));
		return get(id);
	}

	/**
	 * Deletes a draft, with its journal: it never ran, so no host was touched. Who
	 * deleted which draft, and what it planned, is kept in {@code deleted_rollout}.
	 */
	@Transactional
	public void delete(long id, String actor) {
		claimDraft(id, "deleted");
		RolloutRow rollout = this.store.rollout(id).orElseThrow(() -> new NotFoundException("rollout", id));
		String plan = "%s over '%s', waves: %s".formatted(rollout.patchId(), rollout.selector(),
				this.store.waves(id)
					.stream()
					.map(wave -> "%s %d".formatted(wave.name(), wave.targetCount()))
					.collect(Collectors.joining(", ")));
		this.drafts.delete(rollout, plan, actor, this.clock.instant());
		log.info("Draft rollout {} '{}' deleted by {}; it planned {}", id, rollout.name(), actor, plan);
	}

	/**
	 * A draft's plan as a request, the way it was asked for: what an editor starts from.
	 */
	public RolloutRequest plan(long id) {
		RolloutRow rollout = this.store.rollout(id).orElseThrow(() -> new NotFoundException("rollout", id));
		Map<Integer, DraftPlans.Composition> composition = this.drafts.composition(id);
		List<RolloutRequest.WaveRequest> waves = this.store.waves(id).stream().map(wave -> {
			DraftPlans.Composition parts = composition.get(wave.position());
			return new RolloutRequest.WaveRequest(wave.name(), wave.size(), wave.maxConcurrency(),
					wave.failureThreshold().toString(), wave.requiresApproval(), parts.selector(), parts.spreadBy());
		}).toList();
		// a deadline the policy derived is derived again when the plan is saved
		Instant deadline = this.deadlines.get(id)
			.filter(given -> given.reason().equals(RolloutPlanner.EXPLICIT_DEADLINE))
			.map(Deadline::at)
			.orElse(null);
		return new RolloutRequest(rollout.name(), rollout.patchId(), rollout.selector(), rollout.advance(),
				rollout.bakeTime(), rollout.notBefore(), waves, rollout.haltPolicy(),
				this.windows.forRollout(id).windowNames(), deadline);
	}

	private void claimDraft(long id, String done) {
		if (!this.drafts.claim(id)) {
			RolloutRow rollout = this.store.rollout(id).orElseThrow(() -> new NotFoundException("rollout", id));
			throw new ConflictException(
					"Rollout %d is %s: only a draft can be %s.".formatted(id, rollout.state().name(), done));
		}
		this.views.forget(id);
	}

	private static RolloutRow row(long id, RolloutRequest request, Draft draft, String actor) {
		return new RolloutRow(id, request.name().trim(), draft.patch().id(), draft.selector().toString(),
				request.advance() == null ? AdvanceMode.AUTO : request.advance(), draft.bakeTime(), request.notBefore(),
				RolloutState.DRAFT, actor, draft.at(), null, null,
				request.haltPolicy() == null ? HaltPolicy.PAUSE : request.haltPolicy(), null);
	}

	/** The parts of a plan beside its waves, once they are written. */
	private void attachPlan(long id, Draft draft) {
		this.overlaps.refuse(id);
		this.windows.attach(id, draft.windows());
		draft.deadline().ifPresent(deadline -> this.deadlines.set(id, deadline));
	}

	private static String describe(Draft draft) {
		Plan plan = draft.plan();
		return "%d targets in %d waves: %s%s".formatted(plan.needing(), plan.waves().size(),
				plan.waves()
					.stream()
					.map(wave -> "%s %d".formatted(wave.spec().name(), wave.targets().size()))
					.collect(Collectors.joining(", ")),
				plan.alreadyPatched().isEmpty() ? "" : "; %d already at %s, skipped"
					.formatted(plan.alreadyPatched().size(), draft.patch().fixedVersion()));
	}

	/**
	 * What {@link #create} would plan, creating nothing: the waves with their targets,
	 * those skipped as already patched, the deadline and the projected timeline from the
	 * rollout's notBefore time or now.
	 */
	public RolloutPreview preview(RolloutRequest request) {
		Draft draft = this.planner.draft(request);
		Plan plan = draft.plan();
		Instant now = this.clock.instant();
		Instant start = request.notBefore() != null && request.notBefore().isAfter(now) ? request.notBefore() : now;
		Instant deadline = draft.deadline().map(Deadline::at).orElse(null);
		Projection projection = this.projections.ofPlan(plan, draft.patch().id(), this.windows.with(draft.windows()),
				draft.bakeTime(), start, deadline);
		return new RolloutPreview(plan.needing(),
				plan.waves()
					.stream()
					.map(wave -> new RolloutPreview.PreviewWave(wave.spec().name(), wave.targets().size(),
							wave.targets().stream().map(Target::name).toList(), wave.spec().maxConcurrency(),
							wave.spec().requiresApproval()))
					.toList(),
				plan.alreadyPatched().size(), plan.alreadyPatched().stream().map(Target::name).toList(), deadline,
				draft.deadline().map(Deadline::reason).orElse(null),
				draft.windows().stream().map(MaintenanceWindow::name).toList(), projection);
	}

	/** The rollout as it stands now, without its projection. */
	public RolloutView get(long id) {
		RolloutRow rollout = this.store.rollout(id).orElseThrow(() -> new NotFoundException("rollout", id));
		return this.views.of(rollout, false);
	}

	/**
	 * The rollout with its projected timeline from where it stands, unless it has ended;
	 * as polled while it runs, see {@link RolloutViews}.
	 */
	public RolloutView detail(long id) {
		return this.views.detail(id);
	}

	public Page<RolloutView> list(int page, int size) {
		List<RolloutView> views = this.store.rollouts(page, size)
			.stream()
			.map(rollout -> this.views.of(rollout, false))
			.toList();
		return new Page<>(views, page, size, this.store.countRollouts());
	}

	public Page<DeploymentView> deployments(long id, DeploymentState state, int page, int size) {
		get(id);
		List<DeploymentView> rows = this.deployments.deployments(id, state, page, size)
			.stream()
			.map(DeploymentView::of)
			.toList();
		return new Page<>(rows, page, size, this.deployments.countDeployments(id, state));
	}

	public List<RolloutEvent> events(long id, long afterId, int limit) {
		get(id);
		return this.journal.list(id, afterId, limit);
	}

	public RolloutView start(long id, String actor) {
		this.engine.start(id, actor);
		return commanded(id);
	}

	public RolloutView pause(long id, String actor) {
		this.engine.pause(id, actor);
		return commanded(id);
	}

	public RolloutView resume(long id, String actor) {
		this.engine.resume(id, actor);
		return commanded(id);
	}

	public RolloutView abort(long id, String actor) {
		this.engine.abort(id, actor);
		return commanded(id);
	}

	public RolloutView rollback(long id, String actor) {
		this.engine.rollback(id, actor);
		return commanded(id);
	}

	public RolloutView advance(long id, String actor) {
		this.engine.advance(id, actor);
		return commanded(id);
	}

	public RolloutView resume(long id, String actor, String failureThreshold, String reason) {
		this.engine.resume(id, actor, failureThreshold, reason);
		return commanded(id);
	}

	public RolloutView approve(long id, int wave, String actor, String comment) {
		this.engine.approve(id, wave, actor, comment);
		return commanded(id);
	}

	public RolloutView reject(long id, int wave, String actor, String comment) {
		this.engine.reject(id, wave, actor, comment);
		return commanded(id);
	}

	public RolloutView retryFailed(long id, Integer wave, String actor) {
		this.engine.retryFailed(id, wave, actor);
		return commanded(id);
	}

	public RolloutView skip(long id, String target, String actor, String reason) {
		this.engine.skip(id, target, actor, reason);
		return commanded(id);
	}

	/**
	 * The rollout as a command left it, read by whoever gave it and every reader after.
	 */
	private RolloutView commanded(long id) {
		this.views.forget(id);
		return get(id);
	}

}
