package dev.patchwave.connectors.awx;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.patchwave.common.connector.ConnectorConfig;
import dev.patchwave.common.connector.InstallRequest;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.patch.Version;
import dev.patchwave.common.target.Target;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An AWX played by WireMock, answering with the documented JSON of the fixtures under
 * {@code awx/}, changed only where a test needs other ids, statuses or hosts. Its job
 * list holds the jobs launched and is searched as AWX searches it
 * ({@link FakeAwxJobList}), so a test sees what a connector that forgot a key would find
 * there.
 */
final class FakeAwx {

	static final String TOKEN = "s3cr3t-t0ken-4711-zq9";

	static final String TEMPLATE = "apex-cp-7190";

	static final long TEMPLATE_ID = 7;

	/** The stub of AWX's job list, stubbed once per test. */
	private static final UUID JOB_LIST = UUID.fromString("6a0c7f52-4c1e-4f57-9d5e-0d7a1b3c2f10");

	static final Patch PATCH = new Patch("APEX-CP-7190", "Apex", "Apex Server", "Cumulative patch 7190", "windows",
			Version.parse("14.0.7190"), LocalDate.of(2025, 3, 1), List.of());

	private final WireMockExtension wireMock;

	private final FakeAwxJobList jobs;

	private final JsonMapper json = JsonMapper.builder().build();

	/**
	 * A fresh AWX: WireMock forgets its stubs after each test, and this forgets the jobs
	 * listed.
	 * @param jobs the job list the WireMock server was given as an extension
	 */
	FakeAwx(WireMockExtension wireMock, FakeAwxJobList jobs) {
		this.wireMock = wireMock;
		this.jobs = jobs;
		this.jobs.clear();
	}

	/**
	 * Settings for fast tests: short polls and backoffs; pairs of name and value override
	 * or add.
	 */
	ConnectorConfig config(String... overrides) {
		Map<String, String> settings = new HashMap<>(
				Map.of("url", this.wireMock.baseUrl(), "token", TOKEN, "installJobTemplate", TEMPLATE, "pollInterval",
						"PT0.05S", "retryBackoff", "PT0.05S", "callTimeout", "PT2S"));
		for (int i = 0; i < overrides.length; i += 2) {
			settings.put(overrides[i], overrides[i + 1]);
		}
		return new ConnectorConfig("awx-lab", "awx", settings);
	}

	static InstallRequest request(String host) {
		return new InstallRequest("key-" + host, target(host), PATCH);
	}

	static Target target(String host) {
		return new Target(host.hashCode(), host, host + ".example.com", Map.of(), "awx-lab",
				Version.parse("14.0.7100"));
	}

	/**
	 * The idempotency keys of {@link #request}s, by host, as the connector passes them to
	 * AWX.
	 */
	static Map<String, String> keys(String... hosts) {
		Map<String, String> keys = new LinkedHashMap<>();
		for (String host : hosts) {
			keys.put(host, "key-" + host);
		}
		return keys;
	}

	void template(String name, long id, boolean asksLimit) {
		ObjectNode page = node("job-templates-by-name.json");
		ObjectNode template = (ObjectNode) page.path("results").path(0);
		template.put("name", name).put("id", id).put("ask_limit_on_launch", asksLimit);
		this.wireMock.stubFor(get(urlPathEqualTo("/api/v2/job_templates/")).withQueryParam("name", equalTo(name))
			.willReturn(ok(page)));
	}

	void noTemplate(String name) {
		this.wireMock.stubFor(get(urlPathEqualTo("/api/v2/job_templates/")).withQueryParam("name", equalTo(name))
			.willReturn(ok(node("empty-page.json"))));
	}

	/**
	 * No job of the template was launched under any key yet: AWX's job list answers
	 * searches, and lists the jobs launched from now on.
	 */
	void noEarlierJobs() {
		if (this.wireMock.getStubMappings().stream().noneMatch(stub -> JOB_LIST.equals(stub.getId()))) {
			this.wireMock.stubFor(get(urlPathEqualTo("/api/v2/jobs/")).withId(JOB_LIST)
				.atPriority(10)
				.willReturn(aResponse().withTransformers(FakeAwxJobList.NAME)));
		}
	}

	/** A job launched earlier under these keys, which AWX's job list shows. */
	void earlierJob(long id, String status, Map<String, String> keys) {
		noEarlierJobs();
		this.jobs.list(job(id, status, keys));
	}

	/**
	 * The job is gone from AWX, as after someone deleted it: neither listed nor found by
	 * id.
	 */
	void deleted(long id) {
		this.jobs.delete(id);
		this.wireMock
			.stubFor(get("/api/v2/jobs/%d/".formatted(id)).willReturn(json(404, "{\"detail\": \"Not found.\"}")));
	}

	/** How many jobs were launched, of any template. */
	int launchCount() {
		return this.wireMock.findAll(postRequestedFor(urlPathMatching("/api/v2/job_templates/\\d+/launch/"))).size();
	}

	/** The searches of AWX's job list, as the URLs asked for, oldest first. */
	List<String> jobSearches() {
		return this.wireMock.findAll(getRequestedFor(urlPathEqualTo("/api/v2/jobs/")))
			.stream()
			.sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
			.map(LoggedRequest::getUrl)
			.toList();
	}

	/** A page of the job list with the one job on it, as a search finds it. */
	ObjectNode jobsPage(long id, String status, Map<String, String> keys) {
		ObjectNode page = node("empty-page.json");
		page.put("count", 1);
		ObjectNode listed = job(id, status, keys);
		// The list view of jobs leaves this field out.
		listed.remove("event_processing_finished");
		page.putArray("results").add(listed);
		return page;
	}

	/** Launching the template creates this job, which AWX lists from then on. */
	void launches(long templateId, long jobId, Map<String, String> keys) {
		ObjectNode launched = node("launch.json");
		launched.put("job", jobId).put("id", jobId).put("limit", String.join(",", keys.keySet()));
		launched.put("extra_vars", extraVars(keys)).put("job_template", templateId);
		this.wireMock.stubFor(post("/api/v2/job_templates/%d/launch/".formatted(templateId))
			.willReturn(json(201, launched).withTransformers(FakeAwxJobList.NAME)
				.withTransformerParameter(FakeAwxJobList.LISTS, launched.toString())));
	}

	void jobStatus(long id, String status, Map<String, String> keys) {
		this.jobs.status(id, status);
		this.wireMock.stubFor(get("/api/v2/jobs/%d/".formatted(id)).willReturn(ok(job(id, status, keys))));
	}

	/** A job's host summaries, all on one page. */
	void summaries(long jobId, Summary... hosts) {
		ObjectNode page = node("job-host-summaries-page-2.json");
		page.put("count", hosts.length).putNull("previous");
		ObjectNode model = (ObjectNode) page.path("results").path(0);
		ArrayNode results = page.putArray("results");
		for (Summary host : hosts) {
			ObjectNode summary = model.deepCopy();
			summary.put("job", jobId)
				.put("host_name", host.name())
				.put("ok", host.ok())
				.put("changed", host.changed())
				.put("failures", host.failures())
				.put("dark", host.dark())
				.put("failed", host.failures() > 0 || host.dark() > 0);
			((ObjectNode) summary.path("summary_fields").path("host")).put("name", host.name());
			results.add(summary);
		}
		this.wireMock
			.stubFor(get(urlPathEqualTo("/api/v2/jobs/%d/job_host_summaries/".formatted(jobId))).willReturn(ok(page)));
	}

	/** What Ansible counted for one host. */
	record Summary(String name, int ok, int changed, int failures, int dark) {

		static Summary ok(String name) {
			return new Summary(name, 4, 1, 0, 0);
		}

	}

	ObjectNode job(long id, String status, Map<String, String> keys) {
		ObjectNode job = node("job.json");
		job.put("id", id).put("status", status).put("failed", !"successful".equals(status));
		job.put("limit", String.join(",", keys.keySet())).put("extra_vars", extraVars(keys));
		return job;
	}

	String extraVars(Map<String, String> keys) {
		ObjectNode vars = this.json.createObjectNode();
		vars.put("patchwave_patch", PATCH.id()).put("patchwave_fixed_version", PATCH.fixedVersion().toString());
		ObjectNode byHost = vars.putObject("patchwave_keys");
		keys.forEach(byHost::put);
		return this.json.writeValueAsString(vars);
	}

	static ResponseDefinitionBuilder ok(Object body) {
		return json(200, body);
	}

	static ResponseDefinitionBuilder json(int status, Object body) {
		return aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody((body instanceof String text) ? text : body.toString());
	}

	ObjectNode node(String fixture) {
		return (ObjectNode) this.json.readTree(fixture(fixture));
	}

	static String fixture(String name) {
		try (InputStream in = FakeAwx.class.getResourceAsStream("/awx/" + name)) {
			if (in == null) {
				throw new IllegalArgumentException("no fixture awx/" + name);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
