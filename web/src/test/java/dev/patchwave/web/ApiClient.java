package dev.patchwave.web;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Talks to the running application's API over HTTP as one user, the way a script with
 * curl would.
 */
public final class ApiClient {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http;

	private final String base;

	private final String authorization;

	public ApiClient(int port, String user) {
		this(port, user, PatchwaveWebTest.PASSWORD, null);
	}

	/**
	 * A client signing in with the given password, its requests coming from
	 * {@code localAddress} (a loopback address of its own, say) unless that is null.
	 */
	public ApiClient(int port, String user, String password, InetAddress localAddress) {
		this(port,
				user == null ? null : "Basic "
						+ Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)),
				localAddress);
	}

	private ApiClient(int port, String authorization, InetAddress localAddress) {
		this.http = localAddress == null ? HttpClient.newHttpClient()
				: HttpClient.newBuilder().localAddress(localAddress).build();
		this.base = "http://127.0.0.1:" + port;
		this.authorization = authorization;
	}

	/** A client that signs in with an API token, as {@code Authorization: Bearer}. */
	public static ApiClient bearer(int port, String token) {
		return new ApiClient(port, "Bearer " + token, null);
	}

	public Response get(String path) {
		return send(request(path).GET());
	}

	public Response post(String path, String json) {
		return send(request(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json)));
	}

	public Response post(String path) {
		return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
	}

	/**
	 * Sends any request as it stands: method, raw path (kept percent-encoded), body with
	 * its content type (none when null), and extra headers.
	 */
	public Response send(String method, String path, String contentType, String body, Map<String, String> headers) {
		HttpRequest.Builder request = request(path).method(method,
				body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		headers.forEach(request::header);
		return send(request);
	}

	public static String json(Object value) {
		return JSON.writeValueAsString(value);
	}

	private HttpRequest.Builder request(String path) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(this.base + path));
		return this.authorization == null ? builder : builder.header("Authorization", this.authorization);
	}

	private Response send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
					response.headers().firstValue("Location").orElse(null), response.body(), response.headers().map());
		}
		catch (IOException ex) {
			throw new IllegalStateException("API call failed: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * A response: status, content type, Location header and body, with the body parsed on
	 * demand.
	 */
	public record Response(int status, String contentType, String location, String body,
			Map<String, List<String>> headers) {

		public String header(String name) {
			return this.headers.entrySet()
				.stream()
				.filter(entry -> entry.getKey().equalsIgnoreCase(name))
				.map(entry -> String.join(", ", entry.getValue()))
				.findFirst()
				.orElse(null);
		}

		public JsonNode json() {
			return JSON.readTree(this.body);
		}

	}

}
