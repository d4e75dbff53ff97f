package dev.patchwave.web.dashboard;

import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.state.IllegalTransitionException;
import dev.patchwave.orchestrator.ConflictException;
import dev.patchwave.orchestrator.InvalidInputException;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.NotPermittedException;
import dev.patchwave.orchestrator.Page;
import dev.patchwave.orchestrator.rollout.DeploymentView;
import dev.patchwave.orchestrator.rollout.RolloutService;
import dev.patchwave.orchestrator.rollout.RolloutView;
import dev.patchwave.web.insight.ExposureBreakdown;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The dashboard: the fleet's exposure and the rollouts on one page, and a page per
 * rollout that follows it live. Actions are plain form posts that redirect back, so a
 * reload never repeats one.
 */
@Controller
class DashboardController {

	private static final int ROLLOUTS_SHOWN = 50;

	private static final int FAILED_SHOWN = 200;

	private final RolloutService rollouts;

	private final Timeline timeline;

	private final ProductionHosts production;

	private final ExposureBreakdown exposure;

	private final LiveUpdates live;

	private final RoleHierarchy roles;

	private final Display display;

	DashboardController(RolloutService rollouts, Timeline timeline, ProductionHosts production,
			ExposureBreakdown exposure, LiveUpdates live, RoleHierarchy roles, Display display) {
		this.rollouts = rollouts;
		this.timeline = timeline;
		this.production = production;
		this.exposure = exposure;
		this.live = live;
		this.roles = roles;
		this.display = display;
	}

	@GetMapping("/")
	String index(Authentication authentication, Model model) {
		model.addAttribute("user", CurrentUser.of(authentication, this.roles));
		addOverview(model);
		return "index";
	}

	@GetMapping("/overview")
	String overview(Model model) {
		addOverview(model);
		return "index :: overview";
	}

	@GetMapping("/rollouts/{id}")
	String rollout(@PathVariable long id, @RequestParam(defaultValue = "0") int page,
			@RequestParam(required = false) String type, @RequestParam(required = false) String q,
			Authentication authentication, Model model) {
		CurrentUser user = CurrentUser.of(authentication, this.roles);
		model.addAttribute("user", user);
		model.addAttribute("panel", panelFor(id, user));
		addTimeline(id, page, type, q, model);
		return "rollout";
	}

	@GetMapping("/rollouts/{id}/timeline")
	String timeline(@PathVariable long id, @RequestParam(defaultValue = "0") int page,
			@RequestParam(required = false) String type, @RequestParam(required = false) String q, Model model) {
		this.rollouts.get(id);
		addTimeline(id, page, type, q, model);
		return "rollout :: timeline";
	}

	@GetMapping("/rollouts/{id}/panel")
	String panel(@PathVariable long id, Authentication authentication, Model model) {
		model.addAttribute("panel", panelFor(id, CurrentUser.of(authentication, this.roles)));
		return "rollout :: panel";
	}

	@GetMapping("/rollouts/{id}/live")
	SseEmitter live(@PathVariable long id) {
		// an unknown rollout gets the not-found page rather than a stream that never says
		// anything
		this.rollouts.get(id);
		return this.live.watch(id);
	}

	@PostMapping("/rollouts/{id}/actions/{action}")
	String act(@PathVariable long id, @PathVariable String action, Authentication authentication,
			RedirectAttributes redirect) {
		RolloutAction requested = RolloutAction.of(action);
		return attempt(id, redirect, requested.describesState(), () -> {
			requested.apply(this.rollouts, id, authentication.getName());
			return requested.done(this.rollouts.get(id), this.display);
		});
	}

	/**
	 * Tries the failed targets again: of one wave when {@code wave} is given, else all.
	 */
	@PostMapping("/rollouts/{id}/retry-failed")
	String retryFailed(@PathVariable long id, @RequestParam(required = false) Integer wave,
			Authentication authentication, RedirectAttributes redirect) {
		return attempt(id, redirect, false, () -> {
			RolloutView after = this.rollouts.retryFailed(id, wave, authentication.getName());
			return wave == null ? "The failed targets are tried again"
					: "The failed targets of wave '%s' are tried again".formatted(after.waves().get(wave).name());
		});
	}

	@PostMapping("/rollouts/{id}/skip")
	String skip(@PathVariable long id, @RequestParam String target, @RequestParam(required = false) String reason,
			Authentication authentication, RedirectAttributes redirect) {
		return attempt(id, redirect, false, () -> {
			this.rollouts.skip(id, target, authentication.getName(), reason);
			return "%s is skipped and stays exposed: %s".formatted(target, reason.strip());
		});
	}

	@PostMapping("/rollouts/{id}/waves/{wave}/{decision:approve|reject}")
	String decide(@PathVariable long id, @PathVariable int wave, @PathVariable String decision,
			@RequestParam(required = false) String comment, Authentication authentication,
			RedirectAttributes redirect) {
		String note = (comment == null || comment.isBlank()) ? null : comment.strip();
		return attempt(id, redirect, false, () -> {
			if (decision.equals("approve")) {
				RolloutView after = this.rollouts.approve(id, wave, authentication.getName(), note);
				return "Wave '%s' approved; it starts now".formatted(after.waves().get(wave).name());
			}
			RolloutView after = this.rollouts.reject(id, wave, authentication.getName(), note);
			return "Wave '%s' rejected; the rollout is %s".formatted(after.waves().get(wave).name(),
					this.display.words(after.state()).toLowerCase(Locale.ROOT));
		});
	}

	/**
	 * Runs an action and tells how it went on the page it redirects to. A notice that
	 * describes the state the action left ("Rolling back") carries that state, so the
	 * page drops it once the rollout has moved past it.
	 */
	private String attempt(long id, RedirectAttributes redirect, boolean describesState, Supplier<String> action) {
		try {
			redirect.addFlashAttribute("notice", action.get());
			if (describesState) {
				redirect.addFlashAttribute("noticeState", this.rollouts.get(id).state());
			}
		}
		catch (IllegalTransitionException | ConflictException ex) {
			// the page was older than the rollout: someone else, or the engine, acted
			// first
			redirect.addFlashAttribute("problem", "Not done, the rollout has moved on: " + ex.getMessage());
		}
		catch (NotPermittedException ex) {
			redirect.addFlashAttribute("problem", "Refused: " + ex.getMessage() + ".");
		}
		catch (InvalidInputException ex) {
			redirect.addFlashAttribute("problem",
					"Not done: " + ex.problems()
						.stream()
						.map(problem -> problem.field() + " " + problem.reason())
						.reduce((a, b) -> a + "; " + b)
						.orElse(ex.getMessage()));
		}
		return "redirect:/rollouts/" + id;
	}

	private void addOverview(Model model) {
		model.addAttribute("exposures", this.exposure.all());
		model.addAttribute("rollouts", this.rollouts.list(0, ROLLOUTS_SHOWN));
	}

	private void addTimeline(long id, int page, String type, String q, Model model) {
		if (page < 0) {
			throw new NotFoundException("timeline page", page);
		}
		Timeline.Filter filter = new Timeline.Filter(type, q);
		model.addAttribute("rolloutId", id);
		model.addAttribute("filter", filter);
		model.addAttribute("events", this.timeline.page(id, filter, page));
		model.addAttribute("eventTypes", this.timeline.types(id));
		model.addAttribute("waveNames", this.rollouts.get(id).waves().stream().map(wave -> wave.name()).toList());
	}

	private RolloutPanel panelFor(long id, CurrentUser user) {
		RolloutView rollout = this.rollouts.get(id);
		List<DeploymentView> failed = new ArrayList<>();
		long total = 0;
		for (DeploymentState state : List.of(DeploymentState.FAILED, DeploymentState.ROLLBACK_FAILED)) {
			Page<DeploymentView> page = this.rollouts.deployments(id, state, 0, FAILED_SHOWN);
			failed.addAll(page.items());
			total += page.total();
		}
		Map<ResultCause, List<DeploymentView>> byCause = new LinkedHashMap<>();
		failed.stream()
			.sorted(Comparator.comparing(DeploymentView::target))
			.forEach(deployment -> byCause.computeIfAbsent(deployment.cause(), cause -> new ArrayList<>())
				.add(deployment));
		List<RolloutPanel.FailureGroup> groups = byCause.entrySet()
			.stream()
			.map(entry -> new RolloutPanel.FailureGroup(entry.getKey(), entry.getValue()))
			.sorted(Comparator.comparing(group -> -group.targets().size()))
			.toList();
		boolean mayStart = user.operator() && RolloutAction.availableFor(rollout).contains(RolloutAction.START);
		return new RolloutPanel(rollout, groups, total,
				user.operator() ? RolloutAction.availableFor(rollout) : List.of(), user,
				mayStart ? this.production.in(id) : 0);
	}

}
