package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.target.LabelSelector;
import dev.patchwave.common.target.Target;
import dev.patchwave.common.wave.FailureThreshold;
import dev.patchwave.common.wave.WaveSize;
import dev.patchwave.orchestrator.InputLimits;
import dev.patchwave.orchestrator.InvalidInputException;
import dev.patchwave.orchestrator.InvalidInputException.FieldProblem;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Turns a rollout request into a plan against the fleet as it is now, writing nothing: a
 * refused request names every field at fault.
 */
@Component
class RolloutPlanner {

	/** The reason of a deadline given in the request rather than derived. */
	static final String EXPLICIT_DEADLINE = "explicit";

	/** A label key, as selectors read them. */
	private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9_./-]+");

	private final TargetRepository targets;

	private final PatchCatalog catalog;

	private final ConnectorInstances connectors;

	private final WindowService windowService;

	private final PlanningProperties planning;

	private final Clock clock;

	RolloutPlanner(TargetRepository targets, PatchCatalog catalog, ConnectorInstances connectors,
			WindowService windowService, PlanningProperties planning, Clock clock) {
		this.targets = targets;
		this.catalog = catalog;
		this.connectors = connectors;
		this.windowService = windowService;
		this.planning = planning;
		this.clock = clock;
	}

	/** Checks a request and plans it, writing nothing. */
	Draft draft(RolloutRequest request) {
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
	record Draft(Patch patch, LabelSelector selector, Duration bakeTime, List<MaintenanceWindow> windows, Plan plan,
			Optional<Deadline> deadline, Instant at) {

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
