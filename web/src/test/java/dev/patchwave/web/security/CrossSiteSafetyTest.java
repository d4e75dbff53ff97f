package dev.patchwave.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwave.web.ApiClient;
import dev.patchwave.web.ApiClient.Response;
import dev.patchwave.web.PatchwaveWebTest;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What a hostile page in the same browser, or a password guesser, can do: nothing.
 */
@PatchwaveWebTest
class CrossSiteSafetyTest {

	private static final String ROLLOUT = """
			{"name":"cross-site","patchId":"apex-central-2019-cp-7190","selector":"app=apex-central",
			 "waves":[{"name":"all","size":"100%","maxConcurrency":1}]}""";

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Test
	void aPostFromAnotherOriginIsRefusedAndChangesNothing() {
		long before = rollouts();
		ApiClient manager = new ApiClient(this.port, "manager");

		Response foreign = manager.send("POST", "/api/v1/rollouts", "application/json", ROLLOUT,
				Map.of("Origin", "https://evil.example"));
		Response marked = manager.send("POST", "/api/v1/rollouts", "application/json", ROLLOUT,
				Map.of("Sec-Fetch-Site", "cross-site"));
		Response opaque = manager.send("POST", "/api/v1/rollouts", "application/json", ROLLOUT,
				Map.of("Origin", "null"));

		for (Response response : new Response[] { foreign, marked, opaque }) {
			assertThat(response.status()).isEqualTo(403);
			assertThat(response.contentType()).startsWith("application/problem+json");
			assertThat(response.json().get("detail").asString()).contains("Cross-site");
		}
		assertThat(rollouts()).isEqualTo(before);
	}

	@Test
	void aPostFromItsOwnOriginOrFromAToolGoesThrough() {
		ApiClient manager = new ApiClient(this.port, "manager");
		// a host of its own, so no rollout another test runs covers it already
		String run = UUID.randomUUID().toString().substring(0, 8);
		assertThat(new ApiClient(this.port, "admin").post("/api/v1/targets",
				ApiClient.json(List.of(Map.of("name", "cross-site-" + run, "address", "10.50.0.1", "labels",
						Map.of("app", "apex-central", "run", run), "connector", "sim-fleet", "installedVersion",
						"14.0.6850"))))
			.status()).isBetween(200, 201);
		String rollout = ROLLOUT.replace("\"app=apex-central\"", "\"app=apex-central,run=%s\"".formatted(run));

		Response own = manager.send("POST", "/api/v1/rollouts", "application/json", rollout,
				Map.of("Origin", "http://127.0.0.1:" + this.port, "Sec-Fetch-Site", "same-origin"));
		Response tool = manager.post("/api/v1/rollouts", rollout);

		assertThat(own.status()).as(own.body()).isEqualTo(201);
		assertThat(tool.status()).as(tool.body()).isEqualTo(201);
	}

	@Test
	void aGetFromAnotherOriginStillReads() {
		Response response = new ApiClient(this.port, "viewer").send("GET", "/api/v1/patches", null, null,
				Map.of("Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"));

		assertThat(response.status()).isEqualTo(200);
	}

	@Test
	void anUnauthenticatedApiCallGetsProblemDetailsWithoutABasicChallenge() {
		Response response = new ApiClient(this.port, null).get("/api/v1/rollouts");

		assertThat(response.status()).isEqualTo(401);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.header("WWW-Authenticate")).isNull();
	}

	@Test
	void everyAnswerCarriesTheSecurityHeaders() {
		for (Response response : new Response[] { new ApiClient(this.port, "viewer").get("/api/v1/patches"),
				new ApiClient(this.port, null).get("/login"), new ApiClient(this.port, null).get("/api/v1/nothing") }) {
			assertThat(response.header("Content-Security-Policy")).contains("script-src 'self'")
				.contains("style-src 'self'")
				.contains("frame-ancestors 'none'")
				.doesNotContain("unsafe-inline")
				.doesNotContain("unsafe-eval");
			assertThat(response.header("Referrer-Policy")).isEqualTo("same-origin");
			assertThat(response.header("Permissions-Policy")).contains("camera=()");
			assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
		}
	}

	@Test
	void theSessionCookieIsSameSiteAndHttpOnly() throws Exception {
		HttpResponse<String> login = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/login")).build(),
					HttpResponse.BodyHandlers.ofString());

		assertThat(login.headers().allValues("Set-Cookie")).filteredOn(cookie -> cookie.startsWith("JSESSIONID="))
			.singleElement()
			.satisfies(cookie -> assertThat(cookie).containsIgnoringCase("SameSite=Lax").contains("HttpOnly"));
	}

	@Test
	void wrongBasicPasswordsAreThrottledAndThenEvenTheRightOneWaits() throws Exception {
		// a loopback address of its own, so the other tests' address keeps its allowance
		InetAddress address = InetAddress.getByName("127.0.0.21");
		ApiClient wrong = new ApiClient(this.port, "operator", "wrong", address);
		for (int i = 0; i < 5; i++) {
			assertThat(wrong.get("/api/v1/patches").status()).isEqualTo(401);
		}

		Response throttled = wrong.get("/api/v1/patches");
		Response right = new ApiClient(this.port, "operator", PatchwaveWebTest.PASSWORD, address)
			.get("/api/v1/patches");

		for (Response response : new Response[] { throttled, right }) {
			assertThat(response.status()).isEqualTo(429);
			assertThat(response.contentType()).startsWith("application/problem+json");
			assertThat(Long.parseLong(response.header("Retry-After"))).isBetween(1L, 15 * 60L);
		}
		// another user from another address is not held up
		assertThat(new ApiClient(this.port, "viewer", PatchwaveWebTest.PASSWORD, InetAddress.getByName("127.0.0.22"))
			.get("/api/v1/patches")
			.status()).isEqualTo(200);
	}

	@Test
	void wrongPasswordsFromOneAddressAreThrottledForEveryUser() throws Exception {
		InetAddress address = InetAddress.getByName("127.0.0.23");
		for (int i = 0; i < 20; i++) {
			new ApiClient(this.port, "guess-" + i, "wrong", address).get("/api/v1/patches");
		}

		Response response = new ApiClient(this.port, "admin", PatchwaveWebTest.PASSWORD, address)
			.get("/api/v1/patches");

		assertThat(response.status()).isEqualTo(429);
		assertThat(response.header("Retry-After")).isNotBlank();
	}

	@Test
	void wrongFormPasswordsAreThrottledToo() throws Exception {
		HttpClient browser = HttpClient.newBuilder()
			.localAddress(InetAddress.getByName("127.0.0.24"))
			.cookieHandler(new java.net.CookieManager())
			.build();
		URI login = URI.create("http://127.0.0.1:" + this.port + "/login");
		int last = 0;
		HttpResponse<String> answer = null;
		for (int i = 0; i < 6; i++) {
			String page = browser.send(HttpRequest.newBuilder(login).build(), HttpResponse.BodyHandlers.ofString())
				.body();
			Matcher csrf = Pattern.compile("name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\"").matcher(page);
			assertThat(csrf.find()).as(page).isTrue();
			String password = i < 5 ? "wrong" : PatchwaveWebTest.PASSWORD;
			answer = browser.send(HttpRequest.newBuilder(login)
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers
					.ofString("username=manager&password=" + password + "&_csrf=" + csrf.group(1)))
				.build(), HttpResponse.BodyHandlers.ofString());
			last = answer.statusCode();
		}

		assertThat(last).isEqualTo(429);
		assertThat(answer.headers().firstValue("Retry-After")).isPresent();
		assertThat(answer.headers().firstValue("Content-Type"))
			.hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
	}

	private long rollouts() {
		return this.jdbc.sql("SELECT COUNT(*) FROM rollout").query(Long.class).single();
	}

}
