package dev.patchwave.web.dashboard;

import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.state.IllegalTransitionException;
import dev.patchwave.orchestrator.ConflictException;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.Page;
import dev.patchwave.orchestrator.event.EventJournal;
import dev.patchwave.orchestrator.patch.FleetExposure;
import dev.patchwave.orchestrator.rollout.DeploymentView;
import dev.patchwave.orchestrator.rollout.RolloutService;
import dev.patchwave.orchestrator.rollout.RolloutView;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
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

	private static final int EVENTS_SHOWN = 30;

	private final RolloutService rollouts;

	private final EventJournal journal;

	private final FleetExposure exposure;

	private final LiveUpdates live;

	private final RoleHierarchy roles;

	DashboardController(RolloutService rollouts, EventJournal journal, FleetExposure exposure, LiveUpdates live,
			RoleHierarchy roles) {
		this.rollouts = rollouts;
		this.journal = journal;
		this.exposure = exposure;
		this.live = live;
		this.roles = roles;
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
	String rollout(@PathVariable long id, Authentication authentication, Model model) {
		CurrentUser user = CurrentUser.of(authentication, this.roles);
		model.addAttribute("user", user);
		model.addAttribute("panel", panelFor(id, user));
		return "rollout";
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
		try {
			requested.apply(this.rollouts, id, authentication.getName());
			redirect.addFlashAttribute("notice", requested.done());
		}
		catch (IllegalTransitionException | ConflictException ex) {
			// the page was older than the rollout: someone else, or the engine, acted
			// first
			redirect.addFlashAttribute("problem", "Not done, the rollout has moved on: " + ex.getMessage());
		}
		return "redirect:/rollouts/" + id;
	}

	@ExceptionHandler(NotFoundException.class)
	@ResponseStatus(HttpStatus.NOT_FOUND)
	String notFound(NotFoundException ex, Authentication authentication, Model model) {
		model.addAttribute("user", CurrentUser.of(authentication, this.roles));
		model.addAttribute("status", HttpStatus.NOT_FOUND.value());
		model.addAttribute("error", HttpStatus.NOT_FOUND.getReasonPhrase());
		model.addAttribute("message", ex.getMessage());
		return "error";
	}

	private void addOverview(Model model) {
		model.addAttribute("exposures", this.exposure.all());
		model.addAttribute("rollouts", this.rollouts.list(0, ROLLOUTS_SHOWN));
	}

	private RolloutPanel panelFor(long id, CurrentUser user) {
		RolloutView rollout = this.rollouts.get(id);
		Page<DeploymentView> failed = this.rollouts.deployments(id, DeploymentState.FAILED, 0, FAILED_SHOWN);
		return new RolloutPanel(rollout, failed.items(), failed.total(), this.journal.latest(id, EVENTS_SHOWN),
				user.operator() ? RolloutAction.availableFor(rollout) : List.of());
	}

}
