package dev.patchwave.connectors.awx;

import tools.jackson.databind.JsonNode;

/**
 * What Ansible reported for one host at the end of a job's playbook, from AWX's job host
 * summaries. AWX sets {@code failed} whenever {@code dark} or {@code failures} is above
 * zero, so it cannot tell an unreachable host from a failed one by itself.
 */
record HostSummary(String host, int ok, int changed, int failures, int dark, boolean failed) {

	static HostSummary of(JsonNode node) {
		// host_name is kept even when the host is later deleted; the summary field is the
		// older form.
		String host = node.path("host_name").asString("");
		if (host.isEmpty()) {
			host = node.path("summary_fields").path("host").path("name").asString("");
		}
		return new HostSummary(host, node.path("ok").asInt(0), node.path("changed").asInt(0),
				node.path("failures").asInt(0), node.path("dark").asInt(0), node.path("failed").asBoolean(false));
	}

}
