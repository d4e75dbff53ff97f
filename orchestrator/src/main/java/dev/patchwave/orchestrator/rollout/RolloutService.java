package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.rollout.HaltPolicy;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.target.LabelSelector;
import dev.patchwave.common.target.Target;
import dev.patchwave.common.wave.FailureThreshold;
import dev.patchwave.common.wave.WaveSize;
import dev.patchwave.orchestrator.ConflictException;
import dev.patchwave.orchestrator.InputLimits;
import dev.patchwave.orchestrator.InvalidInputException;
import dev.patchwave.orchestrator.InvalidInputException.FieldProblem;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.Page;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.event.EventJournal;
import dev.patchwave.orchestrator.event.RolloutEvent;
import dev.patchwave.orchestrator.patch.PatchCatalog;
import dev.patchwave.orchestrator.patch.PatchCatalog.CatalogEntry;
import dev.patchwave.orchestrator.plan.Plan;
import dev.patchwave.orchestrator.plan.PlanningProperties;
import dev.patchwave.orchestrator.plan.PlanningProperties.Deadline;
import dev.patchwave.orchestrator.plan.WavePlanner;
import dev.patchwave.orchestrator.plan.WaveSpec;
import dev.patchwave.orchestrator.target.TargetRepository;
import dev.patchwave.orchestrator.target.TargetService;
import dev.patchwave.orchestrator.window.MaintenanceWindow;
import dev.patchwave.orchestrator.window.WindowService;
import dev.patchwave.orchestrator.window.Windows;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Plans rollouts, answers what they look like, and passes operators' commands to the
 * engine.
 */
@Service
public class RolloutService {

	private static final Logger log = LoggerFactory.getLogger(RolloutService.class);

	/** The reason of a deadline given in the request rather than derived. */
	private static final String EXPLICIT_DEADLINE = "explicit";

	/** A label key, as selectors read them. */
	private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9_./-]+");

	private final RolloutStore store;

	private final DeploymentStore deployments;

	private final TargetRepository targets;

	private final PatchCatalog catalog;

	private final ConnectorInstances connectors;

	private final EventJournal journal;

	private final RolloutOperations engine;

	private final Windows windows;

	private final WindowService windowService;

	private final RolloutDeadlines deadlines;

	private final RolloutProjections projections;

	private final RolloutViews views;

	private final PlanningProperties planning;

	private final DraftPlans drafts;

	private final Clock clock;

	public RolloutService(RolloutStore store, DeploymentStore deployments, TargetRepository targets,
			PatchCatalog catalog, ConnectorInstances connectors, EventJournal journal, RolloutOperations engine,
			Windows windows, WindowService windowService, RolloutDeadlines deadlines, RolloutProjections projections,
			RolloutViews views, PlanningProperties planning, DraftPlans drafts, Clock clock) {
		this.store = store;
		this.deployments = deployments;
		this.targets = targets;
		this.catalog = catalog;
		this.connectors = connectors;
		this.journal = journal;
		this.engine = engine;
		this.windows = windows;
		this.windowService = windowService;
		this.deadlines = deadlines;
		this.projections = projections;
		this.views = views;
		this.planning = planning;
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
		Draft draft = draft(request);
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
		Draft draft = draft(request);
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
			.filter(given -> given.reason().equals(EXPLICIT_DEADLINE))
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
	}

	private static RolloutRow row(long id, RolloutRequest request, Draft draft, String actor) {
		return new RolloutRow(id, request.name().trim(), draft.patch().id(), draft.selector().toString(),
				request.advance() == null ? AdvanceMode.AUTO : request.advance(), draft.bakeTime(), request.notBefore(),
				RolloutState.DRAFT, actor, draft.at(), null, null,
				request.haltPolicy() == null ? HaltPolicy.PAUSE : request.haltPolicy(), null);
	}

	/** The parts of a plan beside its waves, once they are written. */
	private void attachPlan(long id, Draft draft) {
		requireNoOverlap(id);
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
		Draft draft = draft(request);
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

	/** Checks a request and plans it, writing nothing. */
	private Draft draft(RolloutRequest request) {
		if (request == null) {
			throw new InvalidInputException("$", "a rollout object is required");
		}
		List<FieldProblem> problems = new ArrayList<>();
		InputLimits.requiredLine(request.name(), InputLimits.ROLLOUT_NAME)
			.ifPresent(reason -> problems.add(new FieldProblem("name", reason)));
		CatalogEntry patch = null;
		Optional<String> badPatchId = InputLimits.requiredLine(request.patchId(), InputLimits.PATCH_ID);
		if (badPatchId.isPresent()) {
			problems.add(new FieldProblem("patchId", badPatchId.get()));
		}
		else {
			patch = this.catalog.find(request.patchId()).orElse(null);
			if (patch == null) {
				problems.add(new FieldProblem("patchId", "no patch '%s' in the catalog; known: %s".formatted(
						request.patchId(), this.catalog.list().stream().map(entry -> entry.patch().id()).toList())));
			}
		}
		LabelSelector selector = null;
		try {
			selector = TargetService.parseSelector("selector", request.selector());
		}
		catch (InvalidInputException ex) {
			problems.addAll(ex.problems());
		}
		Duration bakeTime = request.bakeTime() == null ? Duration.ZERO : request.bakeTime();
		if (bakeTime.isNegative() || bakeTime.compareTo(InputLimits.MAX_BAKE) > 0) {
			problems.add(new FieldProblem("bakeTime", "must lie between PT0S and P7D"));
		}
		Instant now = this.clock.instant();
		if (request.notBefore() != null && request.notBefore().isAfter(now.plus(InputLimits.MAX_SCHEDULE_AHEAD))) {
			problems.add(new FieldProblem("notBefore",
					"must lie within %d days from now".formatted(InputLimits.MAX_SCHEDULE_AHEAD.toDays())));
		}
		if (request.deadline() != null && !request.deadline().isAfter(now)) {
			problems.add(new FieldProblem("deadline", "%s is in the past".formatted(request.deadline())));
		}
		List<MaintenanceWindow> windows = this.windowService.resolve(request.windows(), problems);
		List<WaveSpec> waves = waveSpecs(request.waves(), request.advance() == AdvanceMode.MANUAL, problems);
		if (!problems.isEmpty()) {
			throw new InvalidInputException(problems);
		}
		List<Target> selected = this.targets.matching(selector);
		if (selected.isEmpty()) {
			throw new InvalidInputException("selector", "'%s' matches no target".formatted(selector));
		}
		requireConnectors(selected);
		requireAWindowForEach(selected, windows);
		Patch fix = patch.patch();
		Plan plan = WavePlanner.plan(selected, waves, target -> fix.isNeededAt(target.installedVersion()));
		Optional<Deadline> deadline = request.deadline() != null
				? Optional.of(new Deadline(request.deadline(), EXPLICIT_DEADLINE))
				: this.planning.deadline(fix.advisories(), now);
		return new Draft(fix, selector, bakeTime, windows, plan, deadline, now);
	}

	/**
	 * With only scoped windows, a target that none matches would never be patched: the
	 * plan is refused, naming such targets.
	 */
	private static void requireAWindowForEach(List<Target> selected, List<MaintenanceWindow> windows) {
		if (windows.isEmpty() || windows.stream().anyMatch(window -> !window.isScoped())) {
			return;
		}
		List<String> outside = selected.stream()
			.filter(target -> windows.stream().noneMatch(window -> window.appliesTo(target.labels())))
			.map(Target::name)
			.toList();
		if (!outside.isEmpty()) {
			throw new InvalidInputException("windows",
					"%d selected targets match none of the windows' selectors, e.g. %s; add an unscoped window"
						.formatted(outside.size(), outside.subList(0, Math.min(5, outside.size()))));
		}
	}

	/** A request checked and planned at {@code at}. */
	private record Draft(Patch patch, LabelSelector selector, Duration bakeTime, List<MaintenanceWindow> windows,
			Plan plan, Optional<Deadline> deadline, Instant at) {

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
		return get(id);
	}

	public RolloutView pause(long id, String actor) {
		this.engine.pause(id, actor);
		return get(id);
	}

	public RolloutView resume(long id, String actor) {
		this.engine.resume(id, actor);
		return get(id);
	}

	public RolloutView abort(long id, String actor) {
		this.engine.abort(id, actor);
		return get(id);
	}

	public RolloutView rollback(long id, String actor) {
		this.engine.rollback(id, actor);
		return get(id);
	}

	public RolloutView advance(long id, String actor) {
		this.engine.advance(id, actor);
		return get(id);
	}

	public RolloutView resume(long id, String actor, String failureThreshold, String reason) {
		this.engine.resume(id, actor, failureThreshold, reason);
		return get(id);
	}

	public RolloutView approve(long id, int wave, String actor, String comment) {
		this.engine.approve(id, wave, actor, comment);
		return get(id);
	}

	public RolloutView reject(long id, int wave, String actor, String comment) {
		this.engine.reject(id, wave, actor, comment);
		return get(id);
	}

	public RolloutView retryFailed(long id, Integer wave, String actor) {
		this.engine.retryFailed(id, wave, actor);
		return get(id);
	}

	public RolloutView skip(long id, String target, String actor, String reason) {
		this.engine.skip(id, target, actor, reason);
		return get(id);
	}

	/**
	 * A target is in one active rollout at a time: two rollouts racing on one host would
	 * each install, retry and roll back without knowing of the other.
	 */
	private void requireNoOverlap(long rolloutId) {
		List<DeploymentStore.Overlap> overlaps = this.deployments.overlaps(rolloutId);
		if (!overlaps.isEmpty()) {
			throw new ConflictException(DeploymentStore.Overlap.describe(overlaps));
		}
	}

	/**
	 * The waves asked for; in MANUAL mode every wave after the first waits for an
	 * approval before it starts.
	 */
	private static List<WaveSpec> waveSpecs(List<RolloutRequest.WaveRequest> requests, boolean manual,
			List<FieldProblem> problems) {
		if (requests == null || requests.isEmpty()) {
			problems.add(new FieldProblem("waves", "at least one wave is required"));
			return List.of();
		}
		if (requests.size() > InputLimits.WAVES) {
			problems.add(new FieldProblem("waves",
					"at most %d waves, got %d".formatted(InputLimits.WAVES, requests.size())));
			return List.of();
		}
		List<WaveSpec> specs = new ArrayList<>();
		Set<String> names = new HashSet<>();
		for (int i = 0; i < requests.size(); i++) {
			RolloutRequest.WaveRequest wave = requests.get(i);
			String at = "waves[%d]".formatted(i);
			if (wave == null) {
				problems.add(new FieldProblem(at, "must be a wave object"));
				continue;
			}
			int before = problems.size();
			Optional<String> badName = InputLimits.requiredLine(wave.name(), InputLimits.WAVE_NAME);
			badName.ifPresent(reason -> problems.add(new FieldProblem(at + ".name", reason)));
			if (badName.isEmpty() && !names.add(wave.name())) {
				problems.add(new FieldProblem(at + ".name", "'%s' names two waves".formatted(wave.name())));
			}
			LabelSelector waveSelector = null;
			if (wave.selector() != null) {
				try {
					waveSelector = TargetService.parseSelector(at + ".selector", wave.selector());
				}
				catch (InvalidInputException ex) {
					problems.addAll(ex.problems());
				}
			}
			if (wave.spreadBy() != null && (wave.spreadBy().length() > InputLimits.LABEL_PART
					|| !LABEL_KEY.matcher(wave.spreadBy()).matches())) {
				problems.add(new FieldProblem(at + ".spreadBy",
						"must be a label key of at most %d characters".formatted(InputLimits.LABEL_PART)));
			}
			WaveSize size = parse(at + ".size", wave.size() == null && wave.selector() != null ? "100%" : wave.size(),
					WaveSize::parse, problems);
			if (wave.maxConcurrency() == null || wave.maxConcurrency() < 1
					|| wave.maxConcurrency() > InputLimits.MAX_CONCURRENCY) {
				problems.add(new FieldProblem(at + ".maxConcurrency",
						"must be a whole number from 1 to %d".formatted(InputLimits.MAX_CONCURRENCY)));
			}
			FailureThreshold threshold = parse(at + ".failureThreshold",
					wave.failureThreshold() == null ? "0" : wave.failureThreshold(), FailureThreshold::parse, problems);
			if (problems.size() == before) {
				boolean approval = Boolean.TRUE.equals(wave.requiresApproval()) || (manual && i > 0);
				specs.add(new WaveSpec(wave.name(), size, wave.maxConcurrency(), threshold, approval, waveSelector,
						wave.spreadBy()));
			}
		}
		return specs;
	}

	private static <T> T parse(String field, String text, Function<String, T> parser, List<FieldProblem> problems) {
		if (text != null && text.length() > InputLimits.WAVE_SPEC) {
			problems.add(new FieldProblem(field,
					"at most %d characters, got %d".formatted(InputLimits.WAVE_SPEC, text.length())));
			return null;
		}
		try {
			return parser.apply(text);
		}
		catch (IllegalArgumentException ex) {
			problems.add(new FieldProblem(field, ex.getMessage()));
			return null;
		}
	}

	private void requireConnectors(List<Target> selected) {
		Set<String> known = new HashSet<>();
		this.connectors.list().forEach(instance -> known.add(instance.name()));
		Set<String> missing = selected.stream()
			.map(Target::connector)
			.filter(name -> !known.contains(name))
			.collect(Collectors.toCollection(TreeSet::new));
		if (!missing.isEmpty()) {
			throw new InvalidInputException("selector",
					"the selected targets use connectors that do not exist: " + String.join(", ", missing));
		}
	}

}
