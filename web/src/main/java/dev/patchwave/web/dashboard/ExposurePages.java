package dev.patchwave.web.dashboard;

import dev.patchwave.orchestrator.Page;
import dev.patchwave.web.insight.BurnDown;
import dev.patchwave.web.insight.ExposureBreakdown;
import dev.patchwave.web.insight.ExposureBreakdown.Host;
import dev.patchwave.web.insight.ExposureBreakdown.PatchExposure;
import dev.patchwave.web.insight.HostStatus;
import dev.patchwave.web.insight.Reports;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The patches and their reach; one patch's exposure, broken down by a label the reader
 * picks (site, env, tier...), with the hosts behind the numbers and its burn-down; and
 * the leadership report, the same facts on one printable page.
 */
@Controller
class ExposurePages {

	static final int HOSTS_SHOWN = 100;

	private final ExposureBreakdown exposure;

	private final Reports reports;

	private final BurnDown burnDown;

	private final RoleHierarchy roles;

	private final Display display;

	ExposurePages(ExposureBreakdown exposure, Reports reports, BurnDown burnDown, RoleHierarchy roles,
			Display display) {
		this.exposure = exposure;
		this.reports = reports;
		this.burnDown = burnDown;
		this.roles = roles;
		this.display = display;
	}

	/**
	 * The catalog: each patch's advisories and reach, leading to its exposure and a plan.
	 */
	@GetMapping("/patches")
	String patches(Authentication authentication, Model model) {
		model.addAttribute("user", CurrentUser.of(authentication, this.roles));
		model.addAttribute("patches", this.exposure.all());
		return "patches";
	}

	/** The leadership report, one page meant to be printed or saved as PDF. */
	@GetMapping("/reports/{patchId}")
	String report(@PathVariable String patchId, Authentication authentication, Model model) {
		model.addAttribute("user", CurrentUser.of(authentication, this.roles));
		model.addAttribute("report", this.reports.of(patchId));
		return "report";
	}

	@GetMapping("/exposure/{patchId}")
	String exposure(@PathVariable String patchId, @RequestParam(required = false) String by,
			@RequestParam(required = false) String value, @RequestParam(required = false) HostStatus status,
			@RequestParam(required = false) String q, @RequestParam(defaultValue = "0") int page,
			Authentication authentication, Model model) {
		PatchExposure patch = this.exposure.of(patchId);
		List<String> keys = patch.labelKeys();
		String key = (by != null && keys.contains(by)) ? by : keys.isEmpty() ? null : keys.getFirst();
		String text = (q == null || q.isBlank()) ? null : q.strip().toLowerCase(Locale.ROOT);
		List<Host> hosts = patch.hosts()
			.stream()
			.filter(host -> status == null || host.status() == status)
			.filter(host -> key == null || value == null || host.label(key).equals(value))
			.filter(host -> text == null || host.target().name().toLowerCase(Locale.ROOT).contains(text)
					|| host.target().address().toLowerCase(Locale.ROOT).contains(text))
			.toList();
		model.addAttribute("user", CurrentUser.of(authentication, this.roles));
		model.addAttribute("patch", patch);
		model.addAttribute("keys", keys);
		model.addAttribute("by", key);
		model.addAttribute("groups", key == null ? Map.of() : patch.by(key));
		model.addAttribute("value", value);
		model.addAttribute("status", status);
		model.addAttribute("q", q);
		model.addAttribute("statuses", HostStatus.values());
		model.addAttribute("hosts", Page.of(hosts, Math.max(page, 0), HOSTS_SHOWN));
		model.addAttribute("burnDown", BurnDownChart.of(this.burnDown.of(patch), this.display));
		return "exposure";
	}

}
