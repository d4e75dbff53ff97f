package dev.patchwave.connectors.awx;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A job template as far as launching it matters. Patchwave passes each job its hosts as a
 * limit and its keys as extra variables, so the template must prompt for both on launch:
 * AWX silently drops a limit it does not prompt for and runs the job against the whole
 * inventory.
 *
 * @param inventory the inventory the template runs against, 0 when it has none of its own
 */
record JobTemplate(long id, String name, long inventory, boolean asksLimit, boolean asksVariables) {

	static JobTemplate of(JsonNode node) {
		return new JobTemplate(node.path("id").asLong(), node.path("name").asString(""),
				node.path("inventory").asLong(0), node.path("ask_limit_on_launch").asBoolean(false),
				node.path("ask_variables_on_launch").asBoolean(false));
	}

	/** Why Patchwave must not launch this template, if it must not. */
	Optional<String> launchProblem() {
		List<String> missing = new ArrayList<>();
		if (!this.asksLimit) {
			missing.add("Limit");
		}
		if (!this.asksVariables) {
			missing.add("Variables");
		}
		return missing.isEmpty() ? Optional.empty()
				: Optional.of("%s must have 'Prompt on launch' ticked for %s, or AWX would ignore them".formatted(this,
						String.join(" and ", missing)));
	}

	@Override
	public String toString() {
		return "job template '%s' (#%d)".formatted(this.name, this.id);
	}

}
