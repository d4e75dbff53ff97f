package dev.patchwave.orchestrator.rollout;

import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.target.Target;
import dev.patchwave.common.wave.WaveState;
import dev.patchwave.orchestrator.InputLimits;
import dev.patchwave.orchestrator.plan.InstallTimes;
import dev.patchwave.orchestrator.plan.InstallTimes.InstallTime;
import dev.patchwave.orchestrator.plan.Plan;
import dev.patchwave.orchestrator.plan.PlanningProperties;
import dev.patchwave.orchestrator.plan.Projector;
import dev.patchwave.orchestrator.plan.Projector.Phase;
import dev.patchwave.orchestrator.plan.Projector.Timeline;
import dev.patchwave.orchestrator.plan.Projector.WaveWork;
import dev.patchwave.orchestrator.plan.Projector.Work;
import dev.patchwave.orchestrator.rollout.Projection.Suggestion;
import dev.patchwave.orchestrator.target.TargetRepository;
import dev.patchwave.orchestrator.target.TargetRepository.OpenDeployment;
import dev.patchwave.orchestrator.window.MaintenanceWindow;
import dev.patchwave.orchestrator.window.RolloutCalendar;
import dev.patchwave.orchestrator.window.TargetCalendar;
import dev.patchwave.orchestrator.window.TargetCalendar.Verdict;
import dev.patchwave.orchestrator.window.WindowKind;
import dev.patchwave.orchestrator.window.Windows;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Projects a plan, or a rollout from where it stands, onto the calendar: windows,
 * blackouts, bake times, approvals, concurrency and install times observed per connector
 * (else the estimate); and says which windows hold a running wave back.
 */
@Component
class RolloutProjections {

	private final RolloutStore store;

	private final TargetRepository targets;

	private final Windows windows;

	private final InstallTimes installTimes;

	private final PlanningProperties planning;

	private final Clock clock;

	RolloutProjections(RolloutStore store, TargetRepository targets, Windows windows, InstallTimes installTimes,
			PlanningProperties planning, Clock clock) {
		this.store = store;
		this.targets = targets;
		this.windows = windows;
		this.installTimes = installTimes;
		this.planning = planning;
		this.clock = clock;
	}

	/** The projection of a plan not yet written, started at {@code start}. */
	Projection ofPlan(Plan plan, String patchId, RolloutCalendar calendar, Duration bake, Instant start,
			Instant deadline) {
		Map<String, InstallTime> times = times(plan.waves().stream().flatMap(wave -> wave.targets().stream()).toList(),
				patchId);
		Function<RolloutCalendar, List<WaveWork>> work = cal -> plan.waves()
			.stream()
			.map(wave -> new WaveWork(wave.spec().name(), Phase.PENDING, wave.spec().maxConcurrency(),
					wave.spec().requiresApproval(), wave.targets().size(),
					wave.targets().stream().map(target -> work(target, cal, times, null)).toList(), null, null))
			.toList();
		return project(work, calendar, start, bake, deadline, times);
	}

	/**
	 * The projection of a stored rollout from now: done waves as they went, targets in
	 * flight until their expected end, pending ones scheduled. A rollout not running is
	 * projected as if it started (or resumed) now, or at its notBefore time.
	 */
	Projection ofRollout(RolloutRow rollout, Patch patch, Instant deadline) {
		Instant now = this.clock.instant();
		List<OpenDeployment> open = new ArrayList<>(this.targets.openInRollout(rollout.id(), labelsMatter()));
		open.removeIf(
				deployment -> !deployment.dispatched() && !patch.isNeededAt(deployment.target().installedVersion()));
		Map<String, InstallTime> times = times(open.stream().map(OpenDeployment::target).toList(), rollout.patchId());
		Map<Integer, List<OpenDeployment>> byWave = open.stream().collect(Collectors.groupingBy(OpenDeployment::wave));
		List<WaveRow> waves = this.store.waves(rollout.id());
		Function<RolloutCalendar, List<WaveWork>> work = cal -> waves.stream()
			.map(wave -> new WaveWork(wave.name(), phase(wave.state()), wave.maxConcurrency(), wave.requiresApproval(),
					wave.targetCount(),
					byWave.getOrDefault(wave.position(), List.of())
						.stream()
						.map(deployment -> work(deployment.target(), cal, times,
								deployment.dispatched() ? deployment.dispatchedAt() : null))
						.toList(),
					wave.startedAt(),
					wave.state() == WaveState.BAKING ? wave.bakeUntil().minus(rollout.bakeTime()) : wave.finishedAt()))
			.toList();
		Instant start = rollout.notBefore() != null && rollout.notBefore().isAfter(now) ? rollout.notBefore() : now;
		return project(work, this.windows.forRollout(rollout.id()), start, rollout.bakeTime(), deadline, times);
	}

	/**
	 * The windows and blackouts holding back pending targets of the rollout's running
	 * wave, by window and reason.
	 */
	List<WindowWait> waits(RolloutRow rollout) {
		RolloutCalendar calendar = this.windows.forRollout(rollout.id());
		if (calendar.isAnyTime()) {
			return List.of();
		}
		WaveRow running = this.store.waves(rollout.id())
			.stream()
			.filter(wave -> wave.state() == WaveState.RUNNING)
			.findFirst()
			.orElse(null);
		if (running == null) {
			return List.of();
		}
		Instant now = this.clock.instant();
		Map<String, WindowWait> waits = new TreeMap<>();
		for (OpenDeployment deployment : this.targets.openInRollout(rollout.id(), labelsMatter())) {
			if (deployment.dispatched() || deployment.wave() != running.position()) {
				continue;
			}
			Target target = deployment.target();
			Duration expected = this.installTimes.expected(target.connector(), rollout.patchId()).duration();
			Verdict verdict = calendar.of(target).at(now, expected);
			if (!verdict.allowed()) {
				String name = String.valueOf(verdict.window());
				waits.merge(name + "/" + verdict.reason(),
						new WindowWait(verdict.window(), verdict.reason(), verdict.nextStart(), 1),
						(a, b) -> new WindowWait(a.window(), a.reason(), earlier(a.nextOpening(), b.nextOpening()),
								a.targets() + b.targets()));
			}
		}
		return List.copyOf(waits.values());
	}

	/**
	 * Whether a target's labels can change its calendar: only when some window or
	 * blackout is scoped by a selector. Reading and parsing 100,000 targets' labels for
	 * nothing was most of what a projection of that many cost.
	 */
	private boolean labelsMatter() {
		return this.windows.all().stream().anyMatch(MaintenanceWindow::isScoped);
	}

	private Projection project(Function<RolloutCalendar, List<WaveWork>> work, RolloutCalendar calendar, Instant start,
			Duration bake, Instant deadline, Map<String, InstallTime> times) {
		Duration approval = this.planning.approvalDelay();
		Timeline base = Projector.project(start, bake, approval, work.apply(calendar), 1);
		Boolean meets = (deadline == null) ? null : meets(base, deadline);
		List<Suggestion> suggestions = new ArrayList<>();
		if (Boolean.FALSE.equals(meets)) {
			List<WaveWork> waves = work.apply(calendar);
			if (meets(Projector.project(start, bake, approval, waves, InputLimits.MAX_CONCURRENCY), deadline)) {
				int low = 1;
				int high = InputLimits.MAX_CONCURRENCY;
				while (high - low > 1) {
					int middle = (low + high) / 2;
					if (meets(Projector.project(start, bake, approval, waves, middle), deadline)) {
						high = middle;
					}
					else {
						low = middle;
					}
				}
				suggestions.add(new Suggestion("raise every wave's maxConcurrency to at least " + high, high, null,
						Projector.project(start, bake, approval, waves, high).finish()));
			}
			if (!calendar.windows().isEmpty()) {
				for (MaintenanceWindow window : this.windows.all()) {
					if (window.kind() == WindowKind.WINDOW && !calendar.windowNames().contains(window.name())) {
						Timeline more = Projector.project(start, bake, approval, work.apply(calendar.plus(window)), 1);
						if (meets(more, deadline)) {
							suggestions
								.add(new Suggestion("add window " + window.name(), null, window.name(), more.finish()));
						}
					}
				}
			}
		}
		return new Projection(start, base.finish(), deadline, meets, base.waves(), times, suggestions,
				base.unreachable());
	}

	private static boolean meets(Timeline timeline, Instant deadline) {
		return timeline.finish() != null && !timeline.finish().isAfter(deadline);
	}

	private Map<String, InstallTime> times(List<Target> targets, String patchId) {
		Map<String, InstallTime> times = new LinkedHashMap<>();
		targets.stream()
			.map(Target::connector)
			.distinct()
			.sorted()
			.forEach(connector -> times.put(connector, this.installTimes.current(connector, patchId)));
		return times;
	}

	private static Work work(Target target, RolloutCalendar calendar, Map<String, InstallTime> times,
			Instant dispatchedAt) {
		Duration expected = times.get(target.connector()).duration();
		TargetCalendar own = calendar.of(target);
		return new Work(target.name(), own, expected, dispatchedAt == null ? null : dispatchedAt.plus(expected));
	}

	private static Phase phase(WaveState state) {
		return switch (state) {
			case PENDING -> Phase.PENDING;
			case AWAITING_APPROVAL -> Phase.AWAITING_APPROVAL;
			case BAKING -> Phase.BAKING;
			case SUCCEEDED, COMPLETED_WITH_FAILURES, ABORTED, ROLLED_BACK -> Phase.DONE;
			case RUNNING, HALTED -> Phase.RUNNING;
		};
	}

	private static Instant earlier(Instant a, Instant b) {
		return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
	}

}
