package dev.patchwave.connectors.awx;

import dev.patchwave.connectors.resilience.InfrastructureException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The parts of AWX's REST API v2 that Patchwave uses, in AWX's terms. */
final class AwxApi {

	private static final String API = "/api/v2";

	private final AwxHttp http;

	private final JsonMapper json;

	private final ConcurrentMap<String, JobTemplate> templates = new ConcurrentHashMap<>();

	AwxApi(AwxHttp http, JsonMapper json) {
		this.http = http;
		this.json = json;
	}

	/**
	 * AWX's version; the ping answers without credentials, so it proves only that AWX is
	 * there.
	 */
	String ping() {
		return this.http.get(API + "/ping/").path("version").asString("(unknown version)");
	}

	/** The user the token belongs to. */
	String me() {
		return this.http.get(API + "/me/").path("results").path(0).path("username").asString("(unnamed)");
	}

	/**
	 * The job template by numeric id or exact name; once found fit to launch, remembered
	 * for the connector's life, so renaming it in AWX does not disturb a rollout. One
	 * that is missing or unfit is looked up again next time, so fixing it in AWX is
	 * enough.
	 */
	JobTemplate template(String reference) {
		JobTemplate known = this.templates.get(reference);
		if (known != null) {
			return known;
		}
		JobTemplate found = reference.matches("\\d{1,18}") ? templateById(Long.parseLong(reference))
				: templateByName(reference);
		if (found.launchProblem().isEmpty()) {
			this.templates.put(reference, found);
		}
		return found;
	}

	private JobTemplate templateById(long id) {
		try {
			return JobTemplate.of(this.http.get(API + "/job_templates/%d/".formatted(id)));
		}
		catch (AwxRejectedException ex) {
			if (ex.status() == 404) {
				throw new AwxRejectedException(404,
						"job template #%d not found in AWX (or the token's user cannot see it)".formatted(id));
			}
			throw ex;
		}
	}

	private JobTemplate templateByName(String name) {
		List<JobTemplate> found = results(this.http.get(API + "/job_templates/?name=" + encode(name))).stream()
			.map(JobTemplate::of)
			.filter(template -> template.name().equals(name))
			.toList();
		if (found.isEmpty()) {
			throw new AwxRejectedException(404,
					"job template '%s' not found in AWX (or the token's user cannot see it)".formatted(name));
		}
		if (found.size() > 1) {
			throw new AwxRejectedException(409,
					"%d job templates are named '%s' in AWX; give the id of the one to ".formatted(found.size(), name)
							+ "launch instead");
		}
		return found.get(0);
	}

	/**
	 * Launches the template; what AWX ignored of the request says the template does not
	 * prompt for it.
	 */
	Launched launch(JobTemplate template, JsonNode body) {
		JsonNode answer = this.http.post(API + "/job_templates/%d/launch/".formatted(template.id()), body);
		long job = answer.path("job").asLong(answer.path("id").asLong(0));
		if (job <= 0) {
			throw InfrastructureException
				.transientFailure("AWX accepted the launch of %s but named no job".formatted(template), null);
		}
		return new Launched(job, List.copyOf(answer.path("ignored_fields").propertyNames()));
	}

	AwxJob job(long id) {
		return AwxJob.of(this.http.get(API + "/jobs/%d/".formatted(id)), this.json);
	}

	void cancel(long id) {
		this.http.post(API + "/jobs/%d/cancel/".formatted(id), this.json.createObjectNode());
	}

	/** Every page of the job's host summaries, by host name. */
	Map<String, HostSummary> hostSummaries(long jobId) {
		Map<String, HostSummary> summaries = new LinkedHashMap<>();
		String page = API + "/jobs/%d/job_host_summaries/?page_size=200".formatted(jobId);
		while (page != null) {
			JsonNode answer = this.http.get(page);
			results(answer).stream().map(HostSummary::of).forEach(summary -> summaries.put(summary.host(), summary));
			String next = nextPage(answer);
			page = page.equals(next) ? null : next;
		}
		return summaries;
	}

	/**
	 * The newest job of the template launched with this idempotency key. AWX only filters
	 * on the text of extra_vars, where one key can be part of another, so each
	 * candidate's keys are read to be sure.
	 */
	Optional<AwxJob> jobWithKey(long templateId, String key) {
		JsonNode answer = this.http.get(API
				+ "/jobs/?job_template=%d&extra_vars__icontains=%s&order_by=-id".formatted(templateId, encode(key)));
		return results(answer).stream()
			.map(node -> AwxJob.of(node, this.json))
			.filter(job -> job.keys().containsValue(key))
			.findFirst();
	}

	/**
	 * The id of the host of that name in the inventory, or in any inventory when that is
	 * 0.
	 */
	long hostId(String name, long inventory) {
		String query = "/hosts/?name=" + encode(name) + ((inventory > 0) ? "&inventory=" + inventory : "");
		List<JsonNode> hosts = results(this.http.get(API + query));
		if (hosts.size() != 1) {
			throw new AwxRejectedException(404, "%d hosts named '%s' found in AWX%s, expected one"
				.formatted(hosts.size(), name, (inventory > 0) ? " in inventory #" + inventory : ""));
		}
		return hosts.get(0).path("id").asLong();
	}

	JsonNode facts(long hostId) {
		return this.http.get(API + "/hosts/%d/ansible_facts/".formatted(hostId));
	}

	private static List<JsonNode> results(JsonNode page) {
		return List.copyOf(page.path("results").values());
	}

	/**
	 * AWX links the next page by path (and query) from the root; the host is always the
	 * configured one.
	 */
	private static String nextPage(JsonNode page) {
		String next = page.path("next").asString("");
		if (next.isEmpty()) {
			return null;
		}
		int api = next.indexOf(API + "/");
		if (api < 0) {
			throw InfrastructureException.permanent("AWX linked a next page outside its API: " + next);
		}
		return next.substring(api);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	/** A job AWX created, and the fields of the launch request it ignored. */
	record Launched(long job, List<String> ignoredFields) {
	}

}
