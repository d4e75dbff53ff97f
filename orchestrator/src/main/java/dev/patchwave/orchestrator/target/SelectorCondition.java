package dev.patchwave.orchestrator.target;

import dev.patchwave.common.target.LabelSelector;
import dev.patchwave.common.target.LabelSelector.Requirement;
import java.util.ArrayList;
import java.util.List;

/**
 * A label selector as a condition on the target aliased {@code t}, over the target_label
 * rows, with its parameters in order. It selects exactly the targets whose labels
 * {@link LabelSelector#matches} accepts: {@code key!=value} holds where the label is
 * absent too, so it and {@code !key} are NOT EXISTS.
 */
record SelectorCondition(String sql, List<Object> params) {

	/** Every target. */
	static final SelectorCondition ANY = new SelectorCondition("1 = 1", List.of());

	private static final String LABEL = "SELECT 1 FROM target_label l WHERE l.target_id = t.id AND l.label_key = ?";

	static SelectorCondition of(LabelSelector selector) {
		if (selector == null) {
			return ANY;
		}
		List<String> conditions = new ArrayList<>();
		List<Object> params = new ArrayList<>();
		for (Requirement requirement : selector.requirements()) {
			params.add(requirement.key());
			String withValue = LABEL + " AND l.label_value = ?";
			conditions.add(switch (requirement.operator()) {
				case EQUALS -> "EXISTS (" + withValue + ")";
				case NOT_EQUALS -> "NOT EXISTS (" + withValue + ")";
				case PRESENT -> "EXISTS (" + LABEL + ")";
				case ABSENT -> "NOT EXISTS (" + LABEL + ")";
			});
			if (requirement.value() != null) {
				params.add(requirement.value());
			}
		}
		return new SelectorCondition(String.join(" AND ", conditions), List.copyOf(params));
	}

}
