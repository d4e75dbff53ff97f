package dev.patchwave.connectors.awx;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The jobs FakeAwx holds and how AWX's job list answers a search of them: plain filters
 * are ANDed, those prefixed {@code or__} ORed together (as django-ansible-base's field
 * lookup backend does), {@code __icontains} is a case-insensitive substring of the
 * field's text, pages hold {@code page_size} jobs (25 unless asked, at most 200) and link
 * the next one. A parameter it does not know is refused with a 400, as AWX refuses a
 * filter on a field it does not have, so a misspelt search fails here instead of matching
 * everything.
 *
 * <p>
 * A launch stub given the parameter {@value #LISTS} lists that job from the moment it is
 * launched, as AWX does.
 */
final class FakeAwxJobList implements ResponseDefinitionTransformerV2 {

	static final String NAME = "awx-job-list";

	static final String LISTS = "lists";

	private static final Set<String> FILTERS = Set.of("job_template", "extra_vars__icontains",
			"or__extra_vars__icontains", "order_by", "page", "page_size");

	private final JsonMapper json = JsonMapper.builder().build();

	private final ConcurrentNavigableMap<Long, ObjectNode> jobs = new ConcurrentSkipListMap<>();

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public boolean applyGlobally() {
		return false;
	}

	/** Lists the job as AWX's list view shows it. */
	void list(ObjectNode job) {
		ObjectNode listed = job.deepCopy();
		// The list view of jobs leaves this field out.
		listed.remove("event_processing_finished");
		this.jobs.put(listed.path("id").asLong(), listed);
	}

	void status(long id, String status) {
		this.jobs.computeIfPresent(id, (key, job) -> job.put("status", status));
	}

	void delete(long id) {
		this.jobs.remove(id);
	}

	void clear() {
		this.jobs.clear();
	}

	@Override
	public ResponseDefinition transform(ServeEvent serveEvent) {
		Parameters parameters = serveEvent.getTransformerParameters();
		if (parameters.containsKey(LISTS)) {
			list((ObjectNode) this.json.readTree(parameters.getString(LISTS)));
			return serveEvent.getResponseDefinition();
		}
		return search(serveEvent.getRequest());
	}

	private ResponseDefinition search(LoggedRequest request) {
		for (String name : request.getQueryParams().keySet()) {
			if (!FILTERS.contains(name)) {
				return FakeAwx.json(400, "{\"detail\": \"%s is not an allowed field name\"}".formatted(name)).build();
			}
		}
		List<String> order = values(request, "order_by");
		if (!order.isEmpty() && !order.equals(List.of("-id"))) {
			return FakeAwx.json(400, "{\"detail\": \"FakeAwx orders jobs by -id only\"}").build();
		}
		List<String> template = values(request, "job_template");
		List<String> all = lowerCase(values(request, "extra_vars__icontains"));
		List<String> any = lowerCase(values(request, "or__extra_vars__icontains"));
		List<ObjectNode> found = this.jobs.descendingMap()
			.values()
			.stream()
			.filter(job -> template.stream().allMatch(id -> id.equals(job.path("job_template").asString())))
			.filter(job -> {
				String vars = job.path("extra_vars").asString().toLowerCase(Locale.ROOT);
				return all.stream().allMatch(vars::contains)
						&& (any.isEmpty() || any.stream().anyMatch(vars::contains));
			})
			.toList();
		int size = Math.min(number(request, "page_size", 25), 200);
		int page = number(request, "page", 1);
		int from = Math.min((page - 1) * size, found.size());
		int to = Math.min(from + size, found.size());
		ObjectNode answer = this.json.createObjectNode();
		answer.put("count", found.size());
		if (to < found.size()) {
			answer.put("next", request.getUrl().replaceAll("&page=\\d+", "") + "&page=" + (page + 1));
		}
		else {
			answer.putNull("next");
		}
		answer.putNull("previous");
		answer.putArray("results").addAll(found.subList(from, to));
		return aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(answer.toString())
			.build();
	}

	private static List<String> values(LoggedRequest request, String name) {
		QueryParameter parameter = request.queryParameter(name);
		return parameter.isPresent() ? parameter.values() : List.of();
	}

	private static List<String> lowerCase(List<String> values) {
		return values.stream().map(value -> value.toLowerCase(Locale.ROOT)).toList();
	}

	private static int number(LoggedRequest request, String name, int absent) {
		List<String> values = values(request, name);
		return values.isEmpty() ? absent : Integer.parseInt(values.get(0));
	}

}
