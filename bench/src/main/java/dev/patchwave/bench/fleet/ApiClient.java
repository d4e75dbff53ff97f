package dev.patchwave.bench.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Patchwave's REST API over HTTP, as a script or another tool would call it. */
final class ApiClient {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String base;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	ApiClient(String base) {
		this.base = base;
	}

	static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	boolean isUp() {
		try {
			return send(HttpRequest.newBuilder(uri("/actuator/health")).GET().build()).statusCode() == 200;
		}
		catch (UncheckedIOException ex) {
			return false;
		}
	}

	/** A GET that must answer 200; its body as JSON. */
	JsonNode get(String path, String authorization) {
		return json(expect(200, send(request(path, authorization).GET().build())));
	}

	/** A GET answered with any status, for timing: the status alone. */
	int status(String path, String authorization) {
		return send(request(path, authorization).GET().build()).statusCode();
	}

	JsonNode post(String path, String authorization, Object body) {
		HttpRequest request = request(path, authorization).header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString(JSON.writeValueAsString(body)))
			.build();
		return json(expectSuccess(send(request)));
	}

	JsonNode post(String path, String authorization, String contentType, String body) {
		HttpRequest request = request(path, authorization).header("Content-Type", contentType)
			.POST(BodyPublishers.ofString(body))
			.build();
		return json(expectSuccess(send(request)));
	}

	private HttpRequest.Builder request(String path, String authorization) {
		return HttpRequest.newBuilder(uri(path))
			.timeout(Duration.ofMinutes(2))
			.header("Authorization", authorization)
			.header("Accept", "application/json");
	}

	private URI uri(String path) {
		return URI.create(this.base + path);
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

	private static HttpResponse<String> expect(int status, HttpResponse<String> response) {
		if (response.statusCode() != status) {
			throw new IllegalStateException(
					"%s answered %d: %s".formatted(response.request().uri(), response.statusCode(), response.body()));
		}
		return response;
	}

	private static HttpResponse<String> expectSuccess(HttpResponse<String> response) {
		if (response.statusCode() / 100 != 2) {
			throw new IllegalStateException(
					"%s answered %d: %s".formatted(response.request().uri(), response.statusCode(), response.body()));
		}
		return response;
	}

	private static JsonNode json(HttpResponse<String> response) {
		return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
