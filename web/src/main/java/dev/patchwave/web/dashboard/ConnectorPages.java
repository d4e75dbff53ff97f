package dev.patchwave.web.dashboard;

import dev.patchwave.common.connector.ConnectorCheck;
import dev.patchwave.common.connector.ConnectorHealth;
import dev.patchwave.orchestrator.connector.ConnectorInstance;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.connector.ConnectorProbes;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The deployment systems: each connector's health as its calls and its last probe show
 * it, and, for admins, a live test against the real system.
 */
@Controller
class ConnectorPages {

	/**
	 * A test that takes longer than this is reported as such rather than holding the
	 * page.
	 */
	private static final long TEST_SECONDS = 30;

	private final ConnectorInstances connectors;

	private final ConnectorProbes probes;

	private final RoleHierarchy roles;

	ConnectorPages(ConnectorInstances connectors, ConnectorProbes probes, RoleHierarchy roles) {
		this.connectors = connectors;
		this.probes = probes;
		this.roles = roles;
	}

	@GetMapping("/connectors")
	String list(Authentication authentication, Model model) {
		model.addAttribute("user", CurrentUser.of(authentication, this.roles));
		model.addAttribute("connectors",
				this.connectors.list()
					.stream()
					.map(instance -> new Line(instance, this.connectors.reportedHealth(instance.name()),
							this.probes.last(instance.name()).orElse(null)))
					.toList());
		return "connectors";
	}

	@PostMapping("/connectors/{id}/test")
	String test(@PathVariable long id, RedirectAttributes redirect) {
		ConnectorInstance instance = this.connectors.get(id);
		try {
			List<ConnectorCheck> checks = this.connectors.test(instance.name())
				.toCompletableFuture()
				.get(TEST_SECONDS, TimeUnit.SECONDS);
			redirect.addFlashAttribute("tested", instance.name());
			redirect.addFlashAttribute("checks", checks);
		}
		catch (TimeoutException ex) {
			redirect.addFlashAttribute("problem", "The test of %s took over %d seconds and was left running"
				.formatted(instance.name(), TEST_SECONDS));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			redirect.addFlashAttribute("problem", "The test was interrupted");
		}
		catch (java.util.concurrent.ExecutionException ex) {
			redirect.addFlashAttribute("problem",
					"The test of %s failed: %s".formatted(instance.name(), ex.getCause().getMessage()));
		}
		return "redirect:/connectors";
	}

	/** One connector with its health and the last probe of its system, if any yet. */
	record Line(ConnectorInstance instance, ConnectorHealth health, ConnectorProbes.Probe probe) {

	}

}
