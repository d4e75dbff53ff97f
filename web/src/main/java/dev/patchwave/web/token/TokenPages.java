package dev.patchwave.web.token;

import dev.patchwave.orchestrator.InvalidInputException;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.web.dashboard.CurrentUser;
import java.time.Duration;
import java.util.List;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The signed-in person's API tokens in the console: create one (its secret shown on the
 * answer to that post only, never stored in the session, so no later page can show it
 * again), list them, revoke one.
 */
@Controller
@RequestMapping("/account/tokens")
class TokenPages {

	/** The lifetimes offered, in days; the API takes any up to the maximum. */
	private static final List<Integer> LIFETIMES = List.of(7, 30, 90, 365);

	private final ApiTokens tokens;

	private final ApiTokenProperties properties;

	private final RoleHierarchy roles;

	TokenPages(ApiTokens tokens, ApiTokenProperties properties, RoleHierarchy roles) {
		this.tokens = tokens;
		this.properties = properties;
		this.roles = roles;
	}

	@GetMapping
	String list(Authentication user, Model model) {
		return page(user, model);
	}

	@PostMapping
	String create(@RequestParam String name, @RequestParam int lifetimeDays, Authentication user, Model model) {
		try {
			model.addAttribute("issued",
					this.tokens.create(user.getName(), new TokenRequest(name, Duration.ofDays(lifetimeDays))));
		}
		catch (InvalidInputException ex) {
			model.addAttribute("problem", ex.getMessage());
		}
		return page(user, model);
	}

	@PostMapping("/{id}/revoke")
	String revoke(@PathVariable String id, Authentication user, RedirectAttributes redirect) {
		try {
			this.tokens.revoke(id, user.getName(), false);
			redirect.addFlashAttribute("notice",
					"Token %s revoked: it no longer signs anybody in.".formatted(TokenSecret.PREFIX + id + "_..."));
		}
		catch (NotFoundException ex) {
			redirect.addFlashAttribute("problem", ex.getMessage());
		}
		return "redirect:/account/tokens";
	}

	private String page(Authentication user, Model model) {
		model.addAttribute("user", CurrentUser.of(user, this.roles));
		model.addAttribute("tokens", this.tokens.list(user.getName()));
		model.addAttribute("lifetimes", LIFETIMES);
		model.addAttribute("defaultLifetimeDays", this.properties.defaultLifetime().toDays());
		return "tokens";
	}

}
