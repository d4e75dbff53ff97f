package dev.patchwave.web.dashboard;

import dev.patchwave.common.target.Target;
import dev.patchwave.orchestrator.InvalidInputException;
import dev.patchwave.orchestrator.InvalidInputException.FieldProblem;
import dev.patchwave.orchestrator.target.TargetRepository;
import dev.patchwave.orchestrator.target.TargetService;
import dev.patchwave.orchestrator.target.TargetService.UpsertResult;
import dev.patchwave.web.target.TargetCsv;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.multipart.MultipartFile;

/**
 * The fleet's hosts, listed by label selector, and registered from a CSV file: all rows
 * or none, with a report that names every line at fault.
 */
@Controller
class TargetPages {

	private static final int PAGE_SIZE = 50;

	/** The index the service names a bad target by: {@code [3].address}. */
	private static final Pattern ROW_FIELD = Pattern.compile("^\\[(\\d+)]\\.?(.*)$");

	private final TargetService targets;

	private final TargetRepository repository;

	private final RoleHierarchy roles;

	private final TransactionTemplate transactions;

	TargetPages(TargetService targets, TargetRepository repository, RoleHierarchy roles,
			PlatformTransactionManager transactions) {
		this.targets = targets;
		this.repository = repository;
		this.roles = roles;
		this.transactions = new TransactionTemplate(transactions);
	}

	@GetMapping("/targets")
	String list(@RequestParam(required = false) String selector, @RequestParam(defaultValue = "0") int page,
			Authentication authentication, Model model) {
		model.addAttribute("user", CurrentUser.of(authentication, this.roles));
		model.addAttribute("selector", selector);
		try {
			model.addAttribute("targets", this.targets.list(selector, Math.max(page, 0), PAGE_SIZE));
		}
		catch (InvalidInputException ex) {
			model.addAttribute("selectorProblem", ex.problems().getFirst().reason());
			model.addAttribute("targets", this.targets.list(null, 0, PAGE_SIZE));
		}
		model.addAttribute("header", String.join(",", TargetCsv.HEADER));
		return "targets";
	}

	@PostMapping("/targets/import")
	String importCsv(@RequestParam("file") MultipartFile file, Authentication authentication, Model model) {
		List<TargetCsv.Row> rows;
		try (Reader reader = new InputStreamReader(file.getInputStream(), StandardCharsets.UTF_8)) {
			rows = TargetCsv.read(reader);
		}
		catch (IOException | UncheckedIOException | IllegalArgumentException ex) {
			return list(null, 0, authentication,
					model.addAttribute("importProblem", "The file could not be read as CSV: " + ex.getMessage()));
		}
		model.addAttribute("rows", rows);
		if (rows.isEmpty()) {
			model.addAttribute("importProblem", "The file has no target rows under its header.");
		}
		else if (rows.stream().anyMatch(row -> row.spec() != null)) {
			Set<String> known = this.repository.all().stream().map(Target::name).collect(Collectors.toSet());
			boolean readable = rows.stream().allMatch(row -> row.problems().isEmpty());
			List<TargetCsv.Row> checked = rows.stream().filter(row -> row.spec() != null).toList();
			try {
				// the service checks every row it can; when the file itself has problems
				// its write is rolled back, so the report lists all problems at once and
				// nothing is imported
				UpsertResult result = this.transactions.execute(status -> {
					UpsertResult written = this.targets.upsert(checked.stream().map(TargetCsv.Row::spec).toList());
					if (!readable) {
						status.setRollbackOnly();
					}
					return written;
				});
				if (readable) {
					model.addAttribute("known", known);
					model.addAttribute("imported", "Imported %d targets: %d new, %d replaced.".formatted(rows.size(),
							result.created(), result.updated()));
				}
			}
			catch (InvalidInputException ex) {
				for (FieldProblem problem : ex.problems()) {
					attach(checked, problem);
				}
			}
		}
		if (!model.containsAttribute("imported") && !model.containsAttribute("importProblem")) {
			long bad = rows.stream().filter(row -> !row.problems().isEmpty()).count();
			model.addAttribute("importProblem",
					"Nothing was imported: %d of %d rows have problems, listed below.".formatted(bad, rows.size()));
		}
		return list(null, 0, authentication, model);
	}

	/** Hands a problem the service found to the row it names. */
	private static void attach(List<TargetCsv.Row> rows, FieldProblem problem) {
		Matcher row = ROW_FIELD.matcher(problem.field());
		if (row.matches() && Integer.parseInt(row.group(1)) < rows.size()) {
			String field = row.group(2);
			rows.get(Integer.parseInt(row.group(1))).problems().add(new TargetCsv.CellProblem(field, problem.reason()));
		}
		else {
			rows.getFirst().problems().add(new TargetCsv.CellProblem(problem.field(), problem.reason()));
		}
	}

}
