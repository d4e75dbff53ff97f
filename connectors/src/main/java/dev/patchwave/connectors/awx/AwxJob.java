package dev.patchwave.connectors.awx;

import dev.patchwave.common.patch.Version;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One AWX job as Patchwave follows it: its status, and what Patchwave passed it in its
 * extra variables, which is how a job is found again after the connector lost track of
 * it.
 *
 * @param eventsProcessed whether AWX has stored all the job's events; host summaries are
 * written from the last one, so they may be missing for a while after the job has
 * finished
 * @param explanation AWX's job_explanation, why a job errored or was cancelled, when it
 * says
 * @param fixedVersion the version the job installs, read back from its extra variables,
 * when there
 * @param keys the idempotency key of each host of the job, by host name
 */
record AwxJob(long id, String status, boolean eventsProcessed, String explanation, Version fixedVersion,
		Map<String, String> keys) {

	static final String PATCH_VAR = "patchwave_patch";

	static final String FIXED_VERSION_VAR = "patchwave_fixed_version";

	static final String KEYS_VAR = "patchwave_keys";

	private static final Set<String> FINAL_STATUSES = Set.of("successful", "failed", "error", "canceled");

	AwxJob {
		keys = Map.copyOf(keys);
	}

	static AwxJob of(JsonNode node, JsonMapper json) {
		JsonNode vars = extraVars(node.path("extra_vars"), json);
		Map<String, String> keys = new LinkedHashMap<>();
		vars.path(KEYS_VAR).properties().forEach(entry -> keys.put(entry.getKey(), entry.getValue().asString("")));
		// The list view leaves event_processing_finished out; only the detail view's
		// answer is waited for.
		return new AwxJob(node.path("id").asLong(), node.path("status").asString(""),
				node.path("event_processing_finished").asBoolean(true), node.path("job_explanation").asString(""),
				version(vars.path(FIXED_VERSION_VAR).asString("")), keys);
	}

	/**
	 * AWX hands extra_vars back as a string of JSON (or YAML, for jobs Patchwave did not
	 * launch).
	 */
	private static JsonNode extraVars(JsonNode extraVars, JsonMapper json) {
		if (extraVars.isObject()) {
			return extraVars;
		}
		try {
			return json.readTree(extraVars.asString("{}"));
		}
		catch (JacksonException ex) {
			return json.missingNode();
		}
	}

	private static Version version(String text) {
		try {
			return text.isEmpty() ? null : Version.parse(text);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	boolean isFinished() {
		return FINAL_STATUSES.contains(this.status);
	}

}
