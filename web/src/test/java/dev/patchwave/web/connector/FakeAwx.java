package dev.patchwave.web.connector;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small AWX that keeps state, speaking the REST API v2 the way AWX documents it: job
 * templates launch jobs for a host limit, jobs finish after a couple of polls, host
 * summaries say how each host fared. It can go down (every call answers 503) and come
 * back, and it records the bearer tokens it was sent.
 */
final class FakeAwx implements AutoCloseable {

	static final int JOB_TEMPLATE = 42;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpServer server;

	private final String token;

	private final Set<String> failingHosts;

	private final Map<Integer, Job> jobs = new ConcurrentHashMap<>();

	private final AtomicInteger nextJob = new AtomicInteger(100);

	private final AtomicInteger launches = new AtomicInteger();

	private final Set<String> tokensSeen = ConcurrentHashMap.newKeySet();

	private volatile boolean down;

	FakeAwx(String token, Set<String> failingHosts) throws IOException {
		this.token = token;
		this.failingHosts = Set.copyOf(failingHosts);
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		this.server.createContext("/api/v2/", this::handle);
		this.server.start();
	}

	String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	void goDown() {
		this.down = true;
	}

	void comeBack() {
		this.down = false;
	}

	int launches() {
		return this.launches.get();
	}

	/** How many times each host was in the limit of a launched job. */
	Map<String, Integer> launchesPerHost() {
		Map<String, Integer> counts = new LinkedHashMap<>();
		this.jobs.values().forEach(job -> job.hosts().forEach(host -> counts.merge(host, 1, Integer::sum)));
		return counts;
	}

	Set<String> tokensSeen() {
		return Set.copyOf(this.tokensSeen);
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String authorization = exchange.getRequestHeaders().getFirst("Authorization");
			if (authorization != null) {
				this.tokensSeen.add(authorization.replaceFirst("^Bearer ", ""));
			}
			if (this.down) {
				respond(exchange, 503, Map.of("detail", "Service Unavailable"));
				return;
			}
			if (!("Bearer " + this.token).equals(authorization)) {
				respond(exchange, 401, Map.of("detail", "Authentication credentials were not provided."));
				return;
			}
			route(exchange);
		}
	}

	private void route(HttpExchange exchange) throws IOException {
		String path = exchange.getRequestURI().getPath();
		String method = exchange.getRequestMethod();
		Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
		if (path.equals("/api/v2/ping/") || path.equals("/api/v2/me/")) {
			respond(exchange, 200, Map.of("version", "24.6.1", "results", List.of(Map.of("username", "patchwave"))));
		}
		else if (path.equals("/api/v2/job_templates/")) {
			boolean known = query.getOrDefault("name", "").equals("apex-cp-7190") || query.containsKey("id");
			respond(exchange, 200, page(known ? List.of(template()) : List.of()));
		}
		else if (path.equals("/api/v2/job_templates/%d/".formatted(JOB_TEMPLATE))) {
			respond(exchange, 200, template());
		}
		else if (path.equals("/api/v2/job_templates/%d/launch/".formatted(JOB_TEMPLATE)) && method.equals("POST")) {
			launch(exchange);
		}
		else if (path.equals("/api/v2/jobs/")) {
			// as AWX reads them: or__ filters are ORed, the connector's one search per
			// batch
			List<String> needles = values(exchange.getRequestURI().getRawQuery(), "or__extra_vars__icontains");
			respond(exchange, 200,
					page(this.jobs.values()
						.stream()
						.filter(job -> needles.stream().anyMatch(needle -> job.extraVars().contains(needle)))
						.sorted((a, b) -> Integer.compare(b.id(), a.id()))
						.map(this::jobBody)
						.toList()));
		}
		else if (path.matches("/api/v2/jobs/\\d+/")) {
			Job job = this.jobs.get(Integer.parseInt(path.split("/")[4]));
			respond(exchange, job == null ? 404 : 200, job == null ? Map.of("detail", "Not found.") : polled(job));
		}
		else if (path.matches("/api/v2/jobs/\\d+/job_host_summaries/")) {
			Job job = this.jobs.get(Integer.parseInt(path.split("/")[4]));
			respond(exchange, 200, page(job.hosts().stream().map(this::summary).toList()));
		}
		else {
			respond(exchange, 404, Map.of("detail", "Not found."));
		}
	}

	private void launch(HttpExchange exchange) throws IOException {
		JsonNode body = JSON.readTree(exchange.getRequestBody());
		List<String> hosts = List.of(body.get("limit").asString().split(","));
		int id = this.nextJob.incrementAndGet();
		this.jobs.put(id, new Job(id, hosts, JSON.writeValueAsString(body.get("extra_vars")), new AtomicInteger()));
		this.launches.incrementAndGet();
		respond(exchange, 201, Map.of("job", id, "id", id, "status", "pending"));
	}

	/**
	 * A job runs for two polls, then is successful (or failed when a failing host was in
	 * it).
	 */
	private Map<String, Object> polled(Job job) {
		int polls = job.polls().incrementAndGet();
		Map<String, Object> body = new LinkedHashMap<>(jobBody(job));
		if (polls < 3) {
			body.put("status", "running");
		}
		return body;
	}

	private Map<String, Object> jobBody(Job job) {
		boolean failed = job.hosts().stream().anyMatch(this.failingHosts::contains);
		return Map.of("id", job.id(), "type", "job", "job_template", JOB_TEMPLATE, "limit",
				String.join(",", job.hosts()), "extra_vars", job.extraVars(), "status",
				failed ? "failed" : "successful", "failed", failed);
	}

	private Map<String, Object> summary(String host) {
		boolean failed = this.failingHosts.contains(host);
		return Map.of("host_name", host, "summary_fields", Map.of("host", Map.of("name", host)), "ok", failed ? 1 : 3,
				"changed", failed ? 0 : 1, "failures", failed ? 1 : 0, "dark", 0, "failed", failed, "skipped", 0);
	}

	private static Map<String, Object> template() {
		return Map.of("id", JOB_TEMPLATE, "name", "apex-cp-7190", "ask_limit_on_launch", true,
				"ask_variables_on_launch", true);
	}

	private static Map<String, Object> page(List<?> results) {
		Map<String, Object> page = new LinkedHashMap<>();
		page.put("count", results.size());
		page.put("next", null);
		page.put("previous", null);
		page.put("results", results);
		return page;
	}

	private static List<String> values(String raw, String name) {
		List<String> values = new ArrayList<>();
		if (raw != null) {
			for (String pair : raw.split("&")) {
				String[] parts = pair.split("=", 2);
				if (parts.length == 2 && URLDecoder.decode(parts[0], StandardCharsets.UTF_8).equals(name)) {
					values.add(URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
				}
			}
		}
		return values;
	}

	private static Map<String, String> query(String raw) {
		Map<String, String> query = new LinkedHashMap<>();
		if (raw != null) {
			for (String pair : raw.split("&")) {
				String[] parts = pair.split("=", 2);
				query.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
						parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
			}
		}
		return query;
	}

	private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
		byte[] bytes = JSON.writeValueAsBytes(body);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
	}

	private record Job(int id, List<String> hosts, String extraVars, AtomicInteger polls) {

		Job {
			hosts = new ArrayList<>(hosts);
		}

	}

}
