package dev.patchwave.orchestrator.target;

import dev.patchwave.common.patch.Version;
import dev.patchwave.common.target.LabelSelector;
import dev.patchwave.common.target.Target;
import dev.patchwave.orchestrator.InputLimits;
import dev.patchwave.orchestrator.InvalidInputException;
import dev.patchwave.orchestrator.InvalidInputException.FieldProblem;
import dev.patchwave.orchestrator.Page;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Registers the fleet's hosts, all of a batch or none, and finds them by label. */
@Service
public class TargetService {

	private static final Pattern LABEL_PART = Pattern
		.compile("[A-Za-z0-9_./-]{1,%d}".formatted(InputLimits.LABEL_PART));

	private final TargetRepository targets;

	private final ConnectorInstances connectors;

	public TargetService(TargetRepository targets, ConnectorInstances connectors) {
		this.targets = targets;
		this.connectors = connectors;
	}

	/**
	 * Validates every spec first and writes only when all are valid; returns how many
	 * targets were new.
	 */
	@Transactional
	public UpsertResult upsert(List<TargetSpec> specs) {
		if (specs == null || specs.isEmpty()) {
			throw new InvalidInputException("$", "must be a non-empty array of targets");
		}
		if (specs.size() > InputLimits.TARGETS_PER_REQUEST) {
			throw new InvalidInputException("$",
					"at most %d targets per request, got %d".formatted(InputLimits.TARGETS_PER_REQUEST, specs.size()));
		}
		List<FieldProblem> problems = new ArrayList<>();
		Set<String> names = new HashSet<>();
		Set<String> knownConnectors = new HashSet<>();
		this.connectors.list().forEach(instance -> knownConnectors.add(instance.name()));
		for (int i = 0; i < specs.size(); i++) {
			validate(specs.get(i), "[%d]".formatted(i), names, knownConnectors, problems);
		}
		if (!problems.isEmpty()) {
			throw new InvalidInputException(problems);
		}
		int created = this.targets.upsert(specs);
		return new UpsertResult(created, specs.size() - created);
	}

	public Page<Target> list(String selector, int page, int size) {
		List<Target> all = (selector == null || selector.isBlank()) ? this.targets.all()
				: this.targets.matching(parseSelector("selector", selector));
		return Page.of(all, page, size);
	}

	public static LabelSelector parseSelector(String field, String text) {
		try {
			return LabelSelector.parse(text);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidInputException(field, ex.getMessage());
		}
	}

	private static void validate(TargetSpec spec, String at, Set<String> names, Set<String> knownConnectors,
			List<FieldProblem> problems) {
		if (spec == null) {
			problems.add(new FieldProblem(at, "must be a target object"));
			return;
		}
		Optional<String> badName = InputLimits.requiredLine(spec.name(), InputLimits.TARGET_NAME);
		badName.ifPresent(reason -> problems.add(new FieldProblem(at + ".name", reason)));
		if (badName.isEmpty() && !names.add(spec.name())) {
			problems.add(new FieldProblem(at + ".name", "'%s' appears twice in this request".formatted(spec.name())));
		}
		InputLimits.requiredLine(spec.address(), InputLimits.TARGET_ADDRESS)
			.ifPresent(reason -> problems.add(new FieldProblem(at + ".address", reason)));
		Map<String, String> labels = spec.labels() == null ? Map.of() : spec.labels();
		if (labels.size() > InputLimits.LABELS) {
			problems.add(new FieldProblem(at + ".labels",
					"at most %d labels, got %d".formatted(InputLimits.LABELS, labels.size())));
		}
		else {
			labels.forEach((key, value) -> {
				if (!LABEL_PART.matcher(key).matches() || value == null || !LABEL_PART.matcher(value).matches()) {
					// a key too long to be a label is not repeated in full
					problems.add(new FieldProblem(at + ".labels." + abbreviate(key),
							"label keys and values must be 1 to %d letters, digits or _ . / -"
								.formatted(InputLimits.LABEL_PART)));
				}
			});
		}
		if (spec.connector() == null || spec.connector().isBlank()
				|| spec.connector().length() > InputLimits.CONNECTOR_NAME) {
			problems.add(new FieldProblem(at + ".connector", "is required: the name of a configured connector"));
		}
		else if (!knownConnectors.contains(spec.connector())) {
			problems.add(new FieldProblem(at + ".connector", "no connector named '%s'".formatted(spec.connector())));
		}
		if (spec.installedVersion() != null && spec.installedVersion().length() > InputLimits.VERSION) {
			problems.add(new FieldProblem(at + ".installedVersion",
					"at most %d characters, got %d".formatted(InputLimits.VERSION, spec.installedVersion().length())));
		}
		else if (spec.installedVersion() != null) {
			try {
				Version.parse(spec.installedVersion());
			}
			catch (IllegalArgumentException ex) {
				problems.add(new FieldProblem(at + ".installedVersion", ex.getMessage()));
			}
		}
	}

	private static String abbreviate(String text) {
		return text.length() <= InputLimits.LABEL_PART ? text : text.substring(0, InputLimits.LABEL_PART) + "...";
	}

	public record UpsertResult(int created, int updated) {

	}

}
