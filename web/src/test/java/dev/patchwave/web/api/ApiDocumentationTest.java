package dev.patchwave.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwave.web.PatchwaveWebTest;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI description: for signed-in people only, it lists the API's operations by
 * tag, both ways to sign in, and the problem details errors come as.
 */
@PatchwaveWebTest
class ApiDocumentationTest {

	@LocalServerPort
	int port;

	@Test
	void theDescriptionListsTheRolloutPathsBothSecuritySchemesAndProblemDetails() throws Exception {
		HttpResponse<String> response = signedIn().send(request("/v3/api-docs").build(),
				HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode doc = JsonMapper.builder().build().readTree(response.body());
		assertThat(doc.get("paths").propertyNames())
			.contains("/api/v1/rollouts", "/api/v1/rollouts/{id}", "/api/v1/rollouts/{id}/start", "/api/v1/tokens",
					"/api/v1/tokens/{id}")
			.allMatch(path -> path.startsWith("/api/v1/"));
		JsonNode schemes = doc.at("/components/securitySchemes");
		assertThat(schemes.at("/bearer/scheme").asString()).isEqualTo("bearer");
		assertThat(schemes.at("/basic/scheme").asString()).isEqualTo("basic");
		JsonNode get = doc.at("/paths/~1api~1v1~1rollouts~1{id}/get");
		assertThat(get.at("/tags/0").asString()).isEqualTo("rollouts");
		assertThat(get.at("/responses/404/content").propertyNames()).containsExactly("application/problem+json");
		assertThat(get.at("/responses/401/content").propertyNames()).containsExactly("application/problem+json");
		assertThat(doc.at("/paths/~1api~1v1~1tokens/post/tags/0").asString()).isEqualTo("tokens");
	}

	@Test
	void onlySwaggerUiPagesMayApplyItsOneInlineStyle() throws Exception {
		HttpClient browser = signedIn();

		String swaggerUi = browser.send(request("/swagger-ui/index.html").build(), HttpResponse.BodyHandlers.ofString())
			.headers()
			.firstValue("Content-Security-Policy")
			.orElseThrow();
		String tokens = browser.send(request("/account/tokens").build(), HttpResponse.BodyHandlers.ofString())
			.headers()
			.firstValue("Content-Security-Policy")
			.orElseThrow();

		assertThat(swaggerUi).contains("script-src 'self';")
			.contains("'unsafe-hashes' 'sha256-")
			.doesNotContain("unsafe-inline");
		assertThat(tokens).contains("style-src 'self';").doesNotContain("unsafe-hashes");
	}

	@Test
	void strangersAreSentToTheSignInPage() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(request("/v3/api-docs").build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(response.headers().firstValue("Location"))
			.hasValueSatisfying(to -> assertThat(to).endsWith("/login"));
	}

	/** A browser-like client signed in as the viewer through the sign-in form. */
	private HttpClient signedIn() throws Exception {
		HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
		String page = browser.send(request("/login").build(), HttpResponse.BodyHandlers.ofString()).body();
		Matcher csrf = Pattern.compile("name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\"").matcher(page);
		assertThat(csrf.find()).as(page).isTrue();
		HttpResponse<String> login = browser
			.send(request("/login").header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers
					.ofString("username=viewer&password=" + PatchwaveWebTest.PASSWORD + "&_csrf=" + csrf.group(1)))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(login.statusCode()).isEqualTo(302);
		assertThat(login.headers().firstValue("Location"))
			.hasValueSatisfying(to -> assertThat(to).doesNotContain("error"));
		return browser;
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path));
	}

}
