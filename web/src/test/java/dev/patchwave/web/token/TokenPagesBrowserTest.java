package dev.patchwave.web.token;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.patchwave.web.ApiClient;
import dev.patchwave.web.PatchwaveWebTest;
import dev.patchwave.web.browser.Chromium;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The API tokens page and Swagger UI in a real Chromium, under the
 * Content-Security-Policy, without a request leaving the server: consoles run air-gapped.
 */
@PatchwaveWebTest
class TokenPagesBrowserTest {

	private static Chromium chromium;

	@LocalServerPort
	int port;

	private BrowserContext context;

	private Page page;

	/**
	 * Console messages about the Content-Security-Policy, and requests to other hosts.
	 */
	private final List<String> violations = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void launchChromium() {
		chromium = Chromium.launch();
	}

	@AfterAll
	static void closeChromium() {
		if (chromium != null) {
			chromium.close();
		}
	}

	@BeforeEach
	void signInAsTheViewer() {
		this.context = chromium.browser().newContext();
		this.context.grantPermissions(List.of("clipboard-read", "clipboard-write"));
		this.page = this.context.newPage();
		// names what broke the policy, should a new Swagger UI break it
		this.page.addInitScript("document.addEventListener('securitypolicyviolation', event => console.error("
				+ "'Content Security Policy: ' + event.violatedDirective + ' at ' + event.sourceFile + ':' "
				+ "+ event.lineNumber + ':' + event.columnNumber));");
		this.page.onConsoleMessage(message -> {
			if (message.text().contains("Content Security Policy")) {
				this.violations.add(message.text());
			}
		});
		this.page.onRequest(request -> {
			if (!request.url().startsWith(url("/")) && !request.url().startsWith("data:")) {
				this.violations.add("request to " + request.url());
			}
		});
		this.page.navigate(url("/login"));
		this.page.getByLabel("Username").fill("viewer");
		this.page.getByLabel("Password").fill(PatchwaveWebTest.PASSWORD);
		this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
		assertThat(this.page.getByTestId("signed-in")).containsText("viewer");
	}

	@AfterEach
	void closeBrowserContext() {
		this.context.close();
	}

	@Test
	void aTokenCreatedOnThePageIsShownOnceCopiedUsedAndRevoked() {
		String name = "page " + UUID.randomUUID().toString().substring(0, 8);
		this.page.getByTestId("nav-tokens").click();
		this.page.getByTestId("token-name").fill(name);
		this.page.getByTestId("token-create").click();

		Locator secret = this.page.getByTestId("issued-secret");
		assertThat(secret).hasValue(java.util.regex.Pattern.compile("pw_\\w{12}_\\w{43}"));
		String token = secret.inputValue();
		this.page.getByTestId("copy-token").click();
		assertThat(this.page.getByTestId("copy-token")).hasText("Copied");
		assertThat(this.page.evaluate("navigator.clipboard.readText()")).isEqualTo(token);
		assertThat(ApiClient.bearer(this.port, token).get("/api/v1/rollouts").status()).isEqualTo(200);

		// shown once: the list page, reloaded, has the token by name only
		this.page.navigate(url("/account/tokens"));
		Locator row = this.page.getByTestId("token").filter(new Locator.FilterOptions().setHasText(name));
		assertThat(row).hasAttribute("data-status", "ACTIVE");
		assertThat(this.page.getByTestId("issued-secret")).hasCount(0);
		assertThat(this.page.content()).doesNotContain(token);

		row.getByTestId("token-revoke").click();

		assertThat(this.page.getByTestId("flash-notice")).containsText("revoked");
		assertThat(row).hasAttribute("data-status", "REVOKED");
		assertThat(row.getByTestId("token-revoke")).hasCount(0);
		assertThat(ApiClient.bearer(this.port, token).get("/api/v1/rollouts").status()).isEqualTo(401);
		assertThat(this.violations).isEmpty();
	}

	@Test
	void swaggerUiLoadsFromTheServerUnderThePolicyAndDescribesTheApi() {
		this.page.getByTestId("nav-api-docs").click();

		assertThat(this.page.locator(".swagger-ui .info .title")).containsText("Patchwave API");
		assertThat(this.page.locator(".swagger-ui .opblock-tag[data-tag='rollouts']")).isVisible();
		assertThat(this.page.locator(".swagger-ui .btn.authorize")).isVisible();
		assertThat(this.violations).isEmpty();
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

}
