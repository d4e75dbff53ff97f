package dev.patchwave.connectors.awx;

import dev.patchwave.connectors.resilience.InfrastructureException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The parts of AWX's REST API v2 that Patchwave uses, in AWX's terms. */
final class AwxApi {

	private static final String API = "/api/v2";

	/** The most results AWX puts on one page (its default MAX_PAGE_SIZE). */
	private static final int MAX_PAGE_SIZE = 200;

	/**
	 * Well within the 8 KB request line that nginx in front of AWX accepts by default,
	 * and proxies before it commonly do: about 80 keys of the orchestrator's form per
	 * search.
	 */
	private static final int MAX_SEARCH_CHARS = 4000;

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
		eachResult(API + "/jobs/%d/job_host_summaries/?page_size=%d".formatted(jobId, MAX_PAGE_SIZE), node -> {
			HostSummary summary = HostSummary.of(node);
			summaries.put(summary.host(), summary);
		});
		return summaries;
	}

	/**
	 * The newest job of the template launched with each of these idempotency keys, by
	 * key; keys no job carries are left out. One search of the template's jobs finds them
	 * all, since AWX ORs the filters prefixed {@code or__}; only when the keys would make
	 * its URL longer than {@value #MAX_SEARCH_CHARS} characters is the search made in as
	 * many parts. AWX only filters on the text of extra_vars, where one key can be part
	 * of another, so each job's keys are read to be sure.
	 */
	Map<String, AwxJob> jobsWithKeys(long templateId, Collection<String> keys) {
		Map<String, AwxJob> found = new HashMap<>();
		String search = API + "/jobs/?job_template=%d&order_by=-id&page_size=%d".formatted(templateId, MAX_PAGE_SIZE);
		StringBuilder url = new StringBuilder(search);
		Set<String> wanted = new HashSet<>();
		for (String key : keys) {
			String filter = "&or__extra_vars__icontains=" + encode(key);
			if (!wanted.isEmpty() && url.length() + filter.length() > MAX_SEARCH_CHARS) {
				search(url.toString(), wanted, found);
				url.setLength(search.length());
				wanted.clear();
			}
			url.append(filter);
			wanted.add(key);
		}
		if (!wanted.isEmpty()) {
			search(url.toString(), wanted, found);
		}
		return found;
	}

	/**
	 * Newest job first, so the first job read with a key is the one it was last launched
	 * on.
	 */
	private void search(String url, Set<String> wanted, Map<String, AwxJob> found) {
		eachResult(url, node -> {
			AwxJob job = AwxJob.of(node, this.json);
			job.keys().values().stream().filter(wanted::contains).forEach(key -> found.putIfAbsent(key, job));
		});
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

	/** Reads every page of a list, from the first, in order. */
	private void eachResult(String firstPage, Consumer<JsonNode> action) {
		String page = firstPage;
		while (page != null) {
			JsonNode answer = this.http.get(page);
			results(answer).forEach(action);
			String next = nextPage(answer);
			page = page.equals(next) ? null : next;
		}
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
