package dev.patchwave.web.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import dev.patchwave.web.ApiClient;
import dev.patchwave.web.PatchwaveWebTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard in a real Chromium, signed in through the login form: an operator starts
 * a rollout with the page's own button and watches the page follow it over server-sent
 * events, without a reload.
 */
@PatchwaveWebTest
class DashboardBrowserTest {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final String PATCH = "apex-central-2019-cp-7190";

	private static Playwright playwright;

	private static Browser browser;

	@LocalServerPort
	int port;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private BrowserContext context;

	private Page page;

	@RegisterExtension
	final AfterTestExecutionCallback screenshotOnFailure = extension -> {
		if (extension.getExecutionException().isPresent() && this.page != null) {
			this.page.screenshot(new Page.ScreenshotOptions().setFullPage(true)
				.setPath(Path.of("target", "playwright", extension.getRequiredTestMethod().getName() + ".png")));
		}
	};

	@BeforeAll
	static void launchChromium() {
		assertThat(Files.isExecutable(CHROMIUM))
			.withFailMessage("The browser tests need Chromium at %s; install it with: apt-get install -y chromium",
					CHROMIUM)
			.isTrue();
		playwright = Playwright
			.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
		browser = playwright.chromium()
			.launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
				.setHeadless(true)
				.setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
						"--disable-background-networking", "--disable-component-update", "--disable-sync")));
		// rollouts run on real timers; 30 s leaves a slow machine room without hiding a
		// page that never updates
		PlaywrightAssertions.setDefaultAssertionTimeout(30_000);
	}

	@AfterAll
	static void closeChromium() {
		if (playwright != null) {
			playwright.close();
		}
	}

	@AfterEach
	void closeBrowserContext() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void anOperatorStartsARolloutOnThePageAndWatchesItHaltLiveWithoutReloading() {
		long id = rolloutInThreeWaves(Set.of(4, 5));
		signIn("operator");
		this.page.navigate(url("/rollouts/" + id));
		assertThat(this.page.getByTestId("rollout-state")).hasText("DRAFT");
		assertThat(this.page.getByTestId("wave-0-pending")).hasText("2");
		// a reload, or a form post that replaced the page, would lose this
		this.page.evaluate("window.__marker = 1");

		this.page.getByTestId("action-start").click();

		assertThat(this.page.getByTestId("wave-0-succeeded")).hasText("2");
		assertThat(this.page.getByTestId("wave-0-state")).hasText("SUCCEEDED");
		assertThat(this.page.getByTestId("rollout-state")).hasText("HALTED");
		assertThat(this.page.getByTestId("wave-1-state")).hasText("HALTED");
		Locator failing = this.page.getByTestId("failed-targets")
			.getByTestId("failed-target")
			.filter(new Locator.FilterOptions().setHasText(target(4)));
		assertThat(failing).containsText("1603");
		assertThat(failing).containsText("FATAL_TARGET_ERROR");
		assertThat(this.page.getByTestId("wave-2-succeeded")).hasText("0");
		assertThat(this.page.getByTestId("wave-2-pending")).hasText("6");
		assertThat(this.page.getByTestId("wave-2-state")).hasText("PENDING");
		assertThat(this.page.getByTestId("action-resume")).isVisible();
		assertThat(this.page.getByTestId("action-start")).hasCount(0);
		assertThat(this.page.getByTestId("events")).containsText("HALTED");
		assertThat(this.page.evaluate("window.__marker")).as("the page was never reloaded").isEqualTo(1);
	}

	@Test
	void aViewerSeesTheRolloutButNoActionAndCannotPostOne() {
		long id = rolloutInOneWave();
		signIn("operator");
		this.page.navigate(url("/rollouts/" + id));
		assertThat(this.page.getByTestId("action-start")).isVisible();
		this.context.close();

		signIn("viewer");
		this.page.navigate(url("/rollouts/" + id));

		assertThat(this.page.getByTestId("rollout-state")).hasText("DRAFT");
		assertThat(this.page.getByTestId("wave-0")).isVisible();
		assertThat(this.page.locator("[data-testid^='action-']")).hasCount(0);
		String csrf = this.page.locator("input[name=_csrf]").first().inputValue();
		APIResponse posted = this.page.request()
			.post(url("/rollouts/%d/actions/start".formatted(id)),
					RequestOptions.create().setForm(FormData.create().set("_csrf", csrf)).setMaxRedirects(0));
		assertThat(posted.status()).isEqualTo(403);
		assertThat(new ApiClient(this.port, "viewer").get("/api/v1/rollouts/" + id).json().get("state").asString())
			.isEqualTo("DRAFT");
	}

	@Test
	void anActionThePageOfferedButTheRolloutNoLongerAllowsIsRefusedWithAMessage() {
		long id = rolloutInOneWave();
		signIn("operator");
		// without its live stream the page keeps showing the rollout as it was when it
		// loaded
		this.page.route("**/rollouts/%d/live".formatted(id), route -> route.abort());
		this.page.navigate(url("/rollouts/" + id));
		assertThat(this.page.getByTestId("action-start")).isVisible();
		assertThat(new ApiClient(this.port, "operator").post("/api/v1/rollouts/%d/start".formatted(id)).status())
			.isEqualTo(200);

		this.page.getByTestId("action-start").click();

		assertThat(this.page.getByTestId("flash-problem")).containsText("moved on");
		assertThat(this.page.getByTestId("rollout-state")).not().hasText("DRAFT");
		assertThat(this.page.getByTestId("action-start")).hasCount(0);
		assertThat(this.page.content()).doesNotContain("Exception");
	}

	@Test
	void anActionFromAPageWhoseSessionEndedLeadsToTheSignInPageAndDoesNothing() {
		long id = rolloutInOneWave();
		signIn("operator");
		// no live stream, so nothing but the click itself talks to the server after the
		// session is gone
		this.page.route("**/rollouts/%d/live".formatted(id), route -> route.abort());
		this.page.navigate(url("/rollouts/" + id));
		assertThat(this.page.getByTestId("action-start")).isVisible();
		this.context.clearCookies();

		this.page.getByTestId("action-start").click();

		assertThat(this.page).hasURL(url("/login"));
		assertThat(new ApiClient(this.port, "viewer").get("/api/v1/rollouts/" + id).json().get("state").asString())
			.isEqualTo("DRAFT");
	}

	@Test
	void anUnknownRolloutShowsANotFoundPageNotAStackTrace() {
		signIn("viewer");

		Response response = this.page.navigate(url("/rollouts/" + Long.MAX_VALUE));

		assertThat(response.status()).isEqualTo(404);
		assertThat(this.page.getByTestId("error-status")).hasText("404");
		assertThat(this.page.getByTestId("error-message")).containsText("does not exist");
		assertThat(this.page.getByTestId("signed-in")).containsText("viewer");
		assertThat(this.page.content()).doesNotContain("Exception").doesNotContain("at dev.patchwave");
	}

	@Test
	void theOverviewShowsTheFleetExposureAndListsTheRolloutAndFollowsIt() {
		long id = rolloutInOneWave();
		signIn("viewer");

		Locator exposure = this.page.getByTestId("exposure-" + PATCH);
		assertThat(exposure).containsText("Apex Central");
		assertThat(exposure.getByTestId("still-exposed")).containsText("still exposed");
		Locator row = this.page.getByTestId("rollout-row-" + id);
		assertThat(row.getByRole(AriaRole.LINK)).hasAttribute("href", "/rollouts/" + id);
		assertThat(row.getByTestId("rollout-row-state")).hasText("DRAFT");

		new ApiClient(this.port, "operator").post("/api/v1/rollouts/%d/start".formatted(id));

		assertThat(row.getByTestId("rollout-row-state")).hasText("SUCCEEDED");
		assertThat(row).containsText("1 of 1 done");
	}

	@Test
	void theOverviewGoesToTheSignInPageByItselfOnceTheSessionEnded() {
		signIn("viewer");
		assertThat(this.page.getByTestId("rollouts")).isVisible();

		this.context.clearCookies();

		assertThat(this.page).hasURL(url("/login"));
		assertThat(this.page.getByTestId("rollouts")).hasCount(0);
	}

	@Test
	void theDashboardWorksUnderItsContentSecurityPolicyWithoutViolatingIt() {
		long id = rolloutInOneWave();
		List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
		signIn("viewer");
		this.page.onConsoleMessage(message -> {
			if (message.text().contains("Content Security Policy")) {
				violations.add(message.text());
			}
		});

		this.page.navigate(url("/rollouts/" + id));
		assertThat(this.page.getByTestId("wave-0-state")).hasText("PENDING");
		this.page.navigate(url("/"));
		assertThat(this.page.getByTestId("rollouts")).isVisible();

		// the progress bar's shares come from data-share, set as styles by script: the
		// policy allows no style attribute in the markup
		Locator pending = this.page.locator("[data-testid='rollout-row-%d'] .seg.pending".formatted(id));
		assertThat(pending).hasAttribute("data-share", "1");
		assertThat(pending.evaluate("segment => segment.style.flexGrow")).isEqualTo("1");
		assertThat(violations).isEmpty();
	}

	private void signIn(String user) {
		this.context = browser.newContext();
		this.page = this.context.newPage();
		this.page.navigate(url("/login"));
		this.page.getByLabel("Username").fill(user);
		this.page.getByLabel("Password").fill(PatchwaveWebTest.PASSWORD);
		this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
		assertThat(this.page.getByTestId("signed-in")).containsText(user);
	}

	/**
	 * Twelve targets: canary 2 one at a time, then 4 two at a time tolerating no failure,
	 * then the other 6. Targets are placed in name order, so the given (1-based) numbers
	 * land in the waves predictably.
	 */
	private long rolloutInThreeWaves(Set<Integer> failing) {
		registerFleet(12, failing);
		return createRollout(List.of(wave("canary", "2", 1), wave("second", "4", 2), wave("rest", "100%", 4)));
	}

	private long rolloutInOneWave() {
		registerFleet(1, Set.of());
		return createRollout(List.of(wave("all", "100%", 1)));
	}

	private void registerFleet(int size, Set<Integer> failing) {
		ApiClient.Response connector = new ApiClient(this.port, "admin").post("/api/v1/connectors", ApiClient.json(Map
			.of("name", "sim-" + this.run, "type", "simulator", "settings", Map.of("installLatency", "PT0.3S"))));
		assertThat(connector.status()).as(connector.body()).isEqualTo(201);
		List<Map<String, Object>> targets = new ArrayList<>();
		for (int number = 1; number <= size; number++) {
			Map<String, String> labels = new LinkedHashMap<>(Map.of("run", this.run));
			if (failing.contains(number)) {
				labels.put("simulate", "fail");
			}
			targets.add(Map.of("name", target(number), "address", "10.77.0." + number, "labels", labels, "connector",
					"sim-" + this.run, "installedVersion", "14.0.6850"));
		}
		ApiClient.Response registered = new ApiClient(this.port, "manager").post("/api/v1/targets",
				ApiClient.json(targets));
		assertThat(registered.status()).as(registered.body()).isEqualTo(200);
	}

	private long createRollout(List<Map<String, Object>> waves) {
		ApiClient.Response created = new ApiClient(this.port, "manager").post("/api/v1/rollouts",
				ApiClient.json(Map.of("name", "dashboard " + this.run, "patchId", PATCH, "selector", "run=" + this.run,
						"advance", "AUTO", "bakeTime", "PT0S", "waves", waves)));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json().get("id").asLong();
	}

	private static Map<String, Object> wave(String name, String size, int maxConcurrency) {
		return Map.of("name", name, "size", size, "maxConcurrency", maxConcurrency, "failureThreshold", "0");
	}

	private String target(int number) {
		return "dash-%s-%02d".formatted(this.run, number);
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

}
