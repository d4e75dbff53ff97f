package dev.patchwave.web.dashboard;

import dev.patchwave.orchestrator.NotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.core.Authentication;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * Something a page asks for that does not exist gets the not-found page, on every page.
 */
@ControllerAdvice(basePackageClasses = DashboardProblems.class)
class DashboardProblems {

	private final RoleHierarchy roles;

	DashboardProblems(RoleHierarchy roles) {
		this.roles = roles;
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

}
