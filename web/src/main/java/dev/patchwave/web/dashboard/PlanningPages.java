package dev.patchwave.web.dashboard;

import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.rollout.HaltPolicy;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.target.Target;

import dev.patchwave.orchestrator.ConflictException;
import dev.patchwave.orchestrator.InvalidInputException;
import dev.patchwave.orchestrator.InvalidInputException.FieldProblem;
import dev.patchwave.orchestrator.patch.PatchCatalog;
import dev.patchwave.orchestrator.patch.PatchCatalog.CatalogEntry;
import dev.patchwave.orchestrator.rollout.RolloutPreview;
import dev.patchwave.orchestrator.rollout.RolloutRequest;
import dev.patchwave.orchestrator.rollout.RolloutService;
import dev.patchwave.orchestrator.rollout.RolloutView;
import dev.patchwave.orchestrator.target.TargetRepository;
import dev.patchwave.orchestrator.target.TargetService;
import dev.patchwave.orchestrator.window.WindowKind;
import dev.patchwave.orchestrator.window.WindowService;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Planning in the browser, for change managers: a form with everything the API's create
 * body takes, previewed live as it is typed (the hosts the selector takes, those already
 * patched, the waves and the projected timeline against the deadline), then saved as a
 * draft; and a draft opened again to change or delete. The form goes through the same
 * service as the API, so it is checked the same way and its problems name the same
 * fields.
 */
@Controller
class PlanningPages {

	/** Hosts listed under the live count; the count itself is of all of them. */
	static final int HOSTS_SHOWN = 200;

	private final RolloutService rollouts;

	private final PatchCatalog catalog;

	private final TargetRepository targets;

	private final WindowService windows;

	private final RoleHierarchy roles;

	private final Display display;

	PlanningPages(RolloutService rollouts, PatchCatalog catalog, TargetRepository targets, WindowService windows,
			RoleHierarchy roles, Display display) {
		this.rollouts = rollouts;
		this.catalog = catalog;
		this.targets = targets;
		this.windows = windows;
		this.roles = roles;
		this.display = display;
	}

	@GetMapping("/plan")
	String plan(@RequestParam(required = false) String patch, Authentication authentication, Model model) {
		CatalogEntry entry = Optional.ofNullable(patch)
			.flatMap(this.catalog::find)
			.orElseGet(() -> this.catalog.list().getFirst());
		return page(null, PlanForm.start(entry.patch(), entry.appliesTo().toString()), List.of(), null, authentication,
				model);
	}

	@GetMapping("/plan/{id}")
	String edit(@PathVariable long id, Authentication authentication, Model model, RedirectAttributes redirect) {
		RolloutView rollout = this.rollouts.get(id);
		if (rollout.state() != RolloutState.DRAFT) {
			redirect.addFlashAttribute("problem", "Only a draft's plan can be changed; this rollout is %s."
				.formatted(this.display.words(rollout.state()).toLowerCase()));
			return "redirect:/rollouts/" + id;
		}
		return page(rollout, PlanForm.of(this.rollouts.plan(id), this.display), List.of(), null, authentication, model);
	}

	/** The live part: what the form as it stands would plan, and its problems. */
	@PostMapping("/plan/preview")
	String preview(HttpServletRequest request, Model model) {
		PlanForm form = PlanForm.of(request.getParameterMap());
		addPreview(form, model);
		// with the preview, every field's problem, swapped in beside its field
		model.addAttribute("live", true);
		return "plan :: live";
	}

	/**
	 * Creates the draft, or, when a button asks for it, adds or removes a wave and shows
	 * the form again.
	 */
	@PostMapping("/plan")
	String create(HttpServletRequest request, @RequestParam(defaultValue = "save") String intent,
			Authentication authentication, Model model, RedirectAttributes redirect) {
		return submit(null, request, intent, authentication, model, redirect);
	}

	@PostMapping("/plan/{id}")
	String save(@PathVariable long id, HttpServletRequest request, @RequestParam(defaultValue = "save") String intent,
			Authentication authentication, Model model, RedirectAttributes redirect) {
		return submit(this.rollouts.get(id), request, intent, authentication, model, redirect);
	}

	@PostMapping("/plan/{id}/delete")
	String delete(@PathVariable long id, Authentication authentication, RedirectAttributes redirect) {
		String name = this.rollouts.get(id).name();
		try {
			this.rollouts.delete(id, authentication.getName());
			redirect.addFlashAttribute("notice", "Draft '%s' deleted".formatted(name));
			return "redirect:/";
		}
		catch (ConflictException ex) {
			redirect.addFlashAttribute("problem", "Not deleted: " + ex.getMessage());
			return "redirect:/rollouts/" + id;
		}
	}

	private String submit(RolloutView draft, HttpServletRequest request, String intent, Authentication authentication,
			Model model, RedirectAttributes redirect) {
		PlanForm form = PlanForm.of(request.getParameterMap());
		if (intent.equals("add-wave")) {
			return page(draft, form.withWave(), List.of(), null, authentication, model);
		}
		if (intent.startsWith("remove-wave-")) {
			return page(draft, form.withoutWave(parsePosition(intent)), List.of(), null, authentication, model);
		}
		PlanForm.Converted converted = form.request();
		try {
			if (!converted.problems().isEmpty()) {
				// the form's own problems first, with those the API finds in the rest
				throw new InvalidInputException(merged(converted.problems(), problemsOf(converted.request())));
			}
			RolloutView saved = draft == null ? this.rollouts.create(converted.request(), authentication.getName())
					: this.rollouts.replace(draft.id(), converted.request(), authentication.getName());
			redirect.addFlashAttribute("notice",
					(draft == null ? "Draft planned: %d targets in %d waves; start it when ready"
							: "Plan saved: %d targets in %d waves")
						.formatted(saved.totals().total(), saved.waves().size()));
			return "redirect:/rollouts/" + saved.id();
		}
		catch (InvalidInputException ex) {
			return page(draft, form, merged(converted.problems(), ex.problems()), null, authentication, model);
		}
		catch (ConflictException ex) {
			return page(draft, form, converted.problems(), ex.getMessage(), authentication, model);
		}
	}

	private String page(RolloutView draft, PlanForm form, List<FieldProblem> problems, String conflict,
			Authentication authentication, Model model) {
		model.addAttribute("user", CurrentUser.of(authentication, this.roles));
		model.addAttribute("draft", draft);
		model.addAttribute("patches", this.catalog.list().stream().map(CatalogEntry::patch).toList());
		model.addAttribute("windowChoices",
				this.windows.list().stream().filter(window -> window.kind() == WindowKind.WINDOW).toList());
		model.addAttribute("advanceModes", AdvanceMode.values());
		model.addAttribute("haltPolicies", HaltPolicy.values());
		model.addAttribute("conflict", conflict);
		addPreview(form, model);
		if (!problems.isEmpty()) {
			// the problems of saving, which include those a preview finds
			model.addAttribute("problems", Problems.of(form, problems));
		}
		return "plan";
	}

	/**
	 * The hosts the selector takes, with those already patched; then the preview of the
	 * whole plan, or the problems that keep it from one.
	 */
	private void addPreview(PlanForm form, Model model) {
		model.addAttribute("form", form);
		Optional<CatalogEntry> patch = this.catalog.find(form.patchId());
		try {
			List<Target> selected = this.targets.matching(TargetService.parseSelector("selector", form.selector()));
			model.addAttribute("selected", selected.size());
			model.addAttribute("hosts",
					selected.stream()
						.limit(HOSTS_SHOWN)
						.map(target -> new SelectedHost(target,
								patch.isPresent() && !patch.get().patch().isNeededAt(target.installedVersion())))
						.toList());
		}
		catch (InvalidInputException ex) {
			// the selector's problem is among the preview's below
		}
		PlanForm.Converted converted = form.request();
		List<FieldProblem> problems = converted.problems();
		try {
			RolloutPreview preview = this.rollouts.preview(converted.request());
			if (problems.isEmpty()) {
				model.addAttribute("preview", preview);
				model.addAttribute("chart", ProjectionChart.of(preview.projection(), this.display).orElse(null));
			}
		}
		catch (InvalidInputException ex) {
			problems = merged(problems, ex.problems());
		}
		model.addAttribute("problems", Problems.of(form, problems));
	}

	/** What the API finds wrong with a request, writing nothing. */
	private List<FieldProblem> problemsOf(RolloutRequest request) {
		try {
			this.rollouts.preview(request);
			return List.of();
		}
		catch (InvalidInputException ex) {
			return ex.problems();
		}
	}

	private static List<FieldProblem> merged(List<FieldProblem> first, List<FieldProblem> second) {
		List<FieldProblem> all = new ArrayList<>(first);
		second.stream().filter(problem -> !all.contains(problem)).forEach(all::add);
		return all;
	}

	private static int parsePosition(String intent) {
		try {
			return Integer.parseInt(intent.substring("remove-wave-".length()));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/** A host the selector takes; one already at the fixed version is skipped. */
	record SelectedHost(Target target, boolean skipped) {

	}

	/**
	 * Problems by the field they name, for the form to show beside each field; those
	 * naming no field of the form ({@code $}, say) go above it.
	 */
	record Problems(Map<String, String> byField, List<String> general) {

		static Problems of(PlanForm form, List<FieldProblem> problems) {
			Map<String, String> byField = new LinkedHashMap<>();
			form.fields().forEach(field -> byField.put(field, ""));
			List<String> general = new ArrayList<>();
			for (FieldProblem problem : problems) {
				if (byField.containsKey(problem.field())) {
					String before = byField.get(problem.field());
					byField.put(problem.field(),
							before.isEmpty() ? problem.reason() : before + "; " + problem.reason());
				}
				else {
					general.add(problem.field() + ": " + problem.reason());
				}
			}
			return new Problems(byField, general);
		}

		public String of(String field) {
			return this.byField.getOrDefault(field, "");
		}

		public boolean any() {
			return !this.general.isEmpty() || this.byField.values().stream().anyMatch(reason -> !reason.isEmpty());
		}

		public String slot(String field) {
			return PlanForm.slot(field);
		}

	}

}
