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
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Registers the fleet's hosts, all of a batch or none, and finds them by label. */
@Service
public class TargetService {

	private static final Pattern LABEL_PART = Pattern
		.compile("[A-Za-z0-9_./-]{1,%d}".formatted(InputLimits.LABEL_PART));

	/** Problems an import reports at most: enough to fix a file by, bounded in size. */
	private static final int IMPORT_PROBLEMS = 100;

	/**
	 * Targets written at once after which the database is asked to look at the tables
	 * again.
	 */
	private static final int STATISTICS_AFTER = 1_000;

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
		Batch batch = new Batch(knownConnectors());
		for (int i = 0; i < specs.size(); i++) {
			String at = "[%d]".formatted(i);
			batch.check(specs.get(i), column -> column.isEmpty() ? at : at + "." + column);
		}
		batch.requireValid();
		int created = this.targets.upsert(specs);
		refreshStatisticsAfter(specs.size());
		return new UpsertResult(created, specs.size() - created);
	}

	/**
	 * Registers the targets of an import as they are read, all or none. Valid rows are
	 * written a chunk at a time while no problem has turned up, so a large import is
	 * never held in memory whole; after the first problem rows are only checked, and all
	 * problems (the first {@value #IMPORT_PROBLEMS}) are thrown at the end, rolling back
	 * what was written.
	 */
	@Transactional
	public UpsertResult importAll(Stream<ImportRow> rows) {
		Batch batch = new Batch(knownConnectors());
		List<TargetSpec> chunk = new ArrayList<>();
		int[] writtenAndCreated = { 0, 0 };
		Runnable write = () -> {
			writtenAndCreated[0] += chunk.size();
			writtenAndCreated[1] += this.targets.upsert(chunk);
			chunk.clear();
		};
		rows.forEach(row -> {
			batch.problems.addAll(row.problems());
			if (row.spec() != null) {
				batch.check(row.spec(), row::field);
			}
			if (!batch.isValid()) {
				chunk.clear();
				return;
			}
			chunk.add(row.spec());
			if (chunk.size() == InputLimits.TARGETS_PER_REQUEST) {
				write.run();
			}
		});
		if (batch.problems.size() > IMPORT_PROBLEMS) {
			int more = batch.problems.size() - IMPORT_PROBLEMS;
			batch.problems.subList(IMPORT_PROBLEMS, batch.problems.size()).clear();
			batch.problems.add(new FieldProblem("$", "%d more problems not listed".formatted(more)));
		}
		batch.requireValid();
		if (!chunk.isEmpty()) {
			write.run();
		}
		if (writtenAndCreated[0] == 0) {
			throw new InvalidInputException("$", "no targets to import");
		}
		refreshStatisticsAfter(writtenAndCreated[0]);
		return new UpsertResult(writtenAndCreated[1], writtenAndCreated[0] - writtenAndCreated[1]);
	}

	private void refreshStatisticsAfter(int written) {
		if (written >= STATISTICS_AFTER) {
			this.targets.refreshStatistics();
		}
	}

	private Set<String> knownConnectors() {
		Set<String> known = new HashSet<>();
		this.connectors.list().forEach(instance -> known.add(instance.name()));
		return known;
	}

	public Page<Target> list(String selector, int page, int size) {
		return this.targets.page((selector == null || selector.isBlank()) ? null : parseSelector("selector", selector),
				page, size);
	}

	public static LabelSelector parseSelector(String field, String text) {
		try {
			return LabelSelector.parse(text);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidInputException(field, ex.getMessage());
		}
	}

	/**
	 * The checks of one request or import: each name once, connectors that exist, every
	 * field within its bounds. Problems accumulate, so a refusal names all of them.
	 */
	private static final class Batch {

		private final List<FieldProblem> problems = new ArrayList<>();

		private final Set<String> names = new HashSet<>();

		private final Set<String> knownConnectors;

		Batch(Set<String> knownConnectors) {
			this.knownConnectors = knownConnectors;
		}

		boolean isValid() {
			return this.problems.isEmpty();
		}

		void requireValid() {
			if (!isValid()) {
				throw new InvalidInputException(this.problems);
			}
		}

		/**
		 * Adds what is wrong with the spec, naming each field by {@code field} given its
		 * column (the empty string for the whole target).
		 */
		void check(TargetSpec spec, UnaryOperator<String> field) {
			if (spec == null) {
				this.problems.add(new FieldProblem(field.apply(""), "must be a target object"));
				return;
			}
			Optional<String> badName = InputLimits.requiredLine(spec.name(), InputLimits.TARGET_NAME);
			badName.ifPresent(reason -> this.problems.add(new FieldProblem(field.apply("name"), reason)));
			if (badName.isEmpty() && !this.names.add(spec.name())) {
				this.problems.add(new FieldProblem(field.apply("name"),
						"'%s' appears twice in this request".formatted(spec.name())));
			}
			InputLimits.requiredLine(spec.address(), InputLimits.TARGET_ADDRESS)
				.ifPresent(reason -> this.problems.add(new FieldProblem(field.apply("address"), reason)));
			Map<String, String> labels = spec.labels() == null ? Map.of() : spec.labels();
			if (labels.size() > InputLimits.LABELS) {
				this.problems.add(new FieldProblem(field.apply("labels"),
						"at most %d labels, got %d".formatted(InputLimits.LABELS, labels.size())));
			}
			else {
				labels.forEach((key, value) -> {
					if (!LABEL_PART.matcher(key).matches() || value == null || !LABEL_PART.matcher(value).matches()) {
						// a key too long to be a label is not repeated in full
						this.problems.add(new FieldProblem(field.apply("labels." + abbreviate(key)),
								"label keys and values must be 1 to %d letters, digits or _ . / -"
									.formatted(InputLimits.LABEL_PART)));
					}
				});
			}
			if (spec.connector() == null || spec.connector().isBlank()
					|| spec.connector().length() > InputLimits.CONNECTOR_NAME) {
				this.problems
					.add(new FieldProblem(field.apply("connector"), "is required: the name of a configured connector"));
			}
			else if (!this.knownConnectors.contains(spec.connector())) {
				this.problems.add(new FieldProblem(field.apply("connector"),
						"no connector named '%s'".formatted(spec.connector())));
			}
			if (spec.installedVersion() != null && spec.installedVersion().length() > InputLimits.VERSION) {
				this.problems.add(new FieldProblem(field.apply("installedVersion"), "at most %d characters, got %d"
					.formatted(InputLimits.VERSION, spec.installedVersion().length())));
			}
			else if (spec.installedVersion() != null) {
				try {
					Version.parse(spec.installedVersion());
				}
				catch (IllegalArgumentException ex) {
					this.problems.add(new FieldProblem(field.apply("installedVersion"), ex.getMessage()));
				}
			}
		}

	}

	private static String abbreviate(String text) {
		return text.length() <= InputLimits.LABEL_PART ? text : text.substring(0, InputLimits.LABEL_PART) + "...";
	}

	public record UpsertResult(int created, int updated) {

	}

}
