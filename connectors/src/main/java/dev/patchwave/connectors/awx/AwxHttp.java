package dev.patchwave.connectors.awx;

import dev.patchwave.connectors.resilience.ConnectorGuard;
import dev.patchwave.connectors.resilience.InfrastructureException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON over HTTP to one AWX, every call through the connector's guard: reads retried on
 * transient failures, writes never. Answers are sorted into what the guard needs to know:
 * transient failures (no answer, 5xx, 429 with its Retry-After), a refused token, and
 * requests AWX turned down ({@link AwxRejectedException}).
 */
final class AwxHttp implements AutoCloseable {

	private static final int MAX_DETAIL = 300;

	private final URI url;

	private final String token;

	private final ConnectorGuard guard;

	private final JsonMapper json;

	private final CloseableHttpClient client;

	AwxHttp(AwxSettings settings, ConnectorGuard guard, JsonMapper json) {
		this.url = settings.url();
		this.token = settings.token();
		this.guard = guard;
		this.json = json;
		Timeout timeout = Timeout.of(settings.resilience().callTimeout());
		int connections = settings.resilience().maxConcurrentCalls();
		this.client = HttpClients.custom()
			.setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
				.setMaxConnTotal(connections)
				.setMaxConnPerRoute(connections)
				.setDefaultConnectionConfig(
						ConnectionConfig.custom().setConnectTimeout(timeout).setSocketTimeout(timeout).build())
				.build())
			.setDefaultRequestConfig(
					RequestConfig.custom().setConnectionRequestTimeout(timeout).setResponseTimeout(timeout).build())
			// The guard alone decides what is retried: the client's own retries would
			// resend a launch.
			.disableAutomaticRetries()
			// A redirect would carry the token to wherever it points.
			.disableRedirectHandling()
			.disableCookieManagement()
			.build();
	}

	/** An idempotent read of an API path such as {@code /api/v2/jobs/42/}. */
	JsonNode get(String path) {
		return this.guard.read(() -> exchange(new HttpGet(this.url + path), path));
	}

	/** A call that changes something in AWX; the caller decides what a failure means. */
	JsonNode post(String path, JsonNode body) {
		HttpPost post = new HttpPost(this.url + path);
		post.setEntity(new StringEntity(this.json.writeValueAsString(body), ContentType.APPLICATION_JSON));
		return this.guard.write(() -> exchange(post, path));
	}

	private JsonNode exchange(ClassicHttpRequest request, String path) {
		String what = request.getMethod() + " " + path;
		request.setHeader(HttpHeaders.AUTHORIZATION, "Bearer " + this.token);
		request.setHeader(HttpHeaders.ACCEPT, ContentType.APPLICATION_JSON.getMimeType());
		try {
			return this.client.execute(request, response -> answer(response, what));
		}
		catch (IOException ex) {
			throw InfrastructureException
				.transientFailure(redact("AWX did not answer %s: %s".formatted(what, describe(ex))), ex);
		}
	}

	private JsonNode answer(ClassicHttpResponse response, String what) throws IOException {
		int status = response.getCode();
		String body = body(response);
		if (status >= 200 && status < 300) {
			try {
				return body.isBlank() ? this.json.missingNode() : this.json.readTree(body);
			}
			catch (JacksonException ex) {
				throw InfrastructureException.transientFailure(
						"AWX answered %s with something other than JSON: %s".formatted(what, detail(body)), ex);
			}
		}
		if (status == 401 || status == 403) {
			throw InfrastructureException.permanent("AWX rejected the token (HTTP %d) for %s: %s; check the token "
				.formatted(status, what, detail(body)) + "and the permissions of its AWX user");
		}
		if (status == 429 || status >= 500) {
			throw new InfrastructureException("AWX answered HTTP %d to %s: %s".formatted(status, what, detail(body)),
					true, retryAfter(response.getFirstHeader(HttpHeaders.RETRY_AFTER), Instant.now()), null);
		}
		if (status >= 300 && status < 400) {
			Header location = response.getFirstHeader(HttpHeaders.LOCATION);
			throw new AwxRejectedException(status, "AWX redirected %s to %s; set the connector's url to where AWX "
				.formatted(what, location == null ? "nowhere" : location.getValue()) + "answers");
		}
		throw new AwxRejectedException(status, "AWX refused %s (HTTP %d): %s".formatted(what, status, detail(body)));
	}

	private static String body(ClassicHttpResponse response) throws IOException {
		if (response.getEntity() == null) {
			return "";
		}
		try {
			return EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
		}
		catch (ParseException ex) {
			throw new IOException("unreadable answer: " + ex.getMessage(), ex);
		}
	}

	private String detail(String body) {
		String flat = body.strip().replaceAll("\\s+", " ");
		return redact(flat.length() > MAX_DETAIL ? flat.substring(0, MAX_DETAIL) + "..." : flat);
	}

	/**
	 * AWX never echoes the token, but a proxy in front of it might; messages end up in
	 * logs and the UI.
	 */
	private String redact(String message) {
		return message.replace(this.token, "[token]");
	}

	private static String describe(IOException ex) {
		return (ex.getMessage() == null) ? ex.getClass().getSimpleName()
				: ex.getClass().getSimpleName() + ": " + ex.getMessage();
	}

	/**
	 * Retry-After as delta-seconds or an HTTP date; absent or unreadable means no advice.
	 */
	static Duration retryAfter(Header header, Instant now) {
		if (header == null || header.getValue() == null) {
			return null;
		}
		String value = header.getValue().trim();
		try {
			if (value.matches("\\d{1,9}")) {
				return Duration.ofSeconds(Long.parseLong(value));
			}
			Duration wait = Duration.between(now,
					ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
			return wait.isNegative() ? Duration.ZERO : wait;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	@Override
	public void close() {
		this.client.close(CloseMode.IMMEDIATE);
	}

}
