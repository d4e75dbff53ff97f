package dev.patchwave.web.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.patchwave.web.ApiClient;
import dev.patchwave.web.PatchwaveWebTest;
import dev.patchwave.web.browser.Chromium;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Planning in Chromium, as a change manager who never needs curl: the wizard counts the
 * hosts live and previews the plan against its deadline, creates a draft that is edited,
 * started or deleted; the patches page and a patch's burn-down; and names that look like
 * markup shown as text on every one of these pages.
 */
@PatchwaveWebTest
class PlanningBrowserTest {

	private static final String PATCH = "apex-central-2019-cp-7190";

	private static final String PROBE = "<img src=x onerror=\"window.__xss=1\">";

	private static Chromium chromium;

	@LocalServerPort
	int port;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private final List<Long> rollouts = new ArrayList<>();

	private BrowserContext context;

	private Page page;

	@RegisterExtension
	final AfterTestExecutionCallback screenshotOnFailure = Chromium.screenshotOnFailure(() -> this.page);

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

	@AfterEach
	void cleanUp() {
		if (this.context != null) {
			this.context.close();
		}
		// the hosts are labelled app=apex-central, which other tests plan over; ended
		// or deleted rollouts answer 409 or 404, which is as good
		this.rollouts
			.forEach(id -> new ApiClient(this.port, "operator").post("/api/v1/rollouts/%d/abort".formatted(id)));
	}

	@Test
	void aChangeManagerPlansADraftWithALiveCountEditsItAndStartsIt() {
		registerFleet(4, "plan-" + this.run);
		List<String> violations = watchForPolicyViolations();
		signIn("manager");
		this.page.navigate(url("/plan?patch=" + PATCH));
		this.page.getByTestId("plan-name").fill("wizard " + this.run);

		this.page.getByTestId("plan-selector").fill("run=" + this.run);

		// counted live, without leaving the page: 4 hosts, the one at the fixed build
		// skipped
		assertThat(this.page.getByTestId("selected-count")).hasText("4");
		assertThat(this.page.getByTestId("selected-host")).hasCount(4);
		assertThat(this.page.locator("[data-testid='selected-host'][data-skipped='true']")).hasCount(1);
		assertThat(this.page.locator("[data-testid='selected-host'][data-skipped='true']"))
			.containsText("plan-%s-04".formatted(this.run));
		assertThat(this.page.getByTestId("preview-count")).containsText("3 to patch, 1 already");
		assertThat(this.page.getByTestId("preview-wave-targets")).hasText(new String[] { "1", "2" });
		assertThat(this.page.getByTestId("projection-bar")).hasCount(2);
		assertThat(this.page.getByTestId("projection-deadline")).hasCount(1);
		assertThat(this.page.getByTestId("preview-deadline")).containsText("CVSS");

		this.page.getByTestId("plan-save").click();

		assertThat(this.page.getByTestId("rollout-state")).hasAttribute("data-state", "DRAFT");
		assertThat(this.page.getByTestId("flash-notice")).containsText("4 targets in 2 waves");
		long id = Long.parseLong(this.page.url().replaceAll(".*/rollouts/(\\d+)$", "$1"));
		this.rollouts.add(id);

		this.page.getByTestId("edit-draft").click();
		assertThat(this.page.getByTestId("plan-name")).hasValue("wizard " + this.run);
		this.page.getByTestId("plan-name").fill("wizard edited " + this.run);
		this.page.getByTestId("wave-add").click();
		assertThat(this.page.getByTestId("plan-wave-2")).isVisible();
		this.page.getByTestId("plan-wave-1").getByTestId("wave-size").fill("1");
		this.page.getByTestId("plan-save").click();

		assertThat(this.page.getByTestId("rollout-name")).hasText("wizard edited " + this.run);
		assertThat(this.page.getByTestId("wave-2")).isVisible();
		acceptDialogs();
		this.page.getByTestId("action-start").click();
		assertThat(this.page.getByTestId("rollout-state")).not().hasAttribute("data-state", "DRAFT");
		assertThat(violations).isEmpty();
	}

	@Test
	void aProblemTheApiFindsIsShownBesideItsFieldLiveAndOnSavingAndNothingIsCreated() {
		registerFleet(2, "bad-" + this.run);
		signIn("manager");
		this.page.navigate(url("/plan?patch=" + PATCH));
		this.page.getByTestId("plan-name").fill("bad " + this.run);
		this.page.getByTestId("plan-selector").fill("run=" + this.run);
		assertThat(this.page.getByTestId("selected-count")).hasText("2");

		this.page.getByTestId("plan-wave-0").getByTestId("wave-concurrency").fill("0");

		Locator concurrency = this.page.locator("[data-field='waves[0].maxConcurrency']");
		assertThat(concurrency).containsText("from 1 to");
		assertThat(this.page.getByTestId("preview-problems")).isVisible();
		long before = rolloutCount();

		this.page.getByTestId("plan-bake").fill("soon");
		this.page.getByTestId("plan-save").click();

		assertThat(this.page.locator("[data-field='waves[0].maxConcurrency']")).containsText("from 1 to");
		assertThat(this.page.locator("[data-field='bakeTime']")).containsText("not a duration");
		assertThat(this.page.getByTestId("plan-name")).hasValue("bad " + this.run);
		assertThat(rolloutCount()).isEqualTo(before);
	}

	@Test
	void aChangeManagerDeletesADraftFromItsEditPage() {
		registerFleet(1, "del-" + this.run);
		long id = createDraft("to delete " + this.run);
		signIn("manager");
		this.page.navigate(url("/plan/" + id));
		acceptDialogs();

		this.page.getByTestId("plan-delete").click();

		assertThat(this.page.getByTestId("flash-notice")).containsText("deleted");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> new ApiClient(this.port, "viewer").get("/api/v1/rollouts/" + id).status() == 404);
	}

	@Test
	void thePatchesPageListsAdvisoriesAndExposureAndLeadsToTheExposureAndAPreselectedPlan() {
		signIn("manager");
		this.page.navigate(url("/patches"));
		Locator patch = this.page.locator("[data-testid='patch'][data-patch='%s']".formatted(PATCH));
		assertThat(patch.getByTestId("advisory")).hasCount(3);
		assertThat(patch.getByTestId("advisory").first()).containsText("CVE-2025-69258");
		assertThat(patch.getByTestId("advisory").first()).containsText("9.8");
		assertThat(patch.getByTestId("patch-exposed")).hasText(String.valueOf(exposed()));

		patch.getByTestId("patch-plan").click();

		assertThat(this.page.getByTestId("plan-patch")).hasValue(PATCH);
		assertThat(this.page.getByTestId("plan-selector")).hasValue("app=apex-central");
		this.page.navigate(url("/patches"));
		patch.getByTestId("patch-exposure").click();
		assertThat(this.page.getByTestId("exposure-title")).isVisible();
		this.context.close();
		this.context = null;
		signIn("viewer");
		this.page.navigate(url("/patches"));
		patch = this.page.locator("[data-testid='patch'][data-patch='%s']".formatted(PATCH));
		assertThat(patch).isVisible();
		assertThat(patch.getByTestId("patch-plan")).hasCount(0);
	}

	@Test
	void theBurnDownDrawsExposedHostsOverTimeWithTheDeadline() {
		signIn("viewer");
		this.page.navigate(url("/exposure/" + PATCH));
		Locator chart = this.page.getByTestId("burn-down-chart");
		assertThat(chart).isVisible();
		// at least a host's registration and now
		assertThat(chart.getByTestId("burn-down-point").nth(1)).isAttached();
		assertThat(chart.getByTestId("burn-down-point").last().locator("title"))
			.containsText(exposed() + " exposed at");
		assertThat(chart.getByTestId("burn-down-deadline")).hasCount(1);
		assertThat(this.page.getByTestId("burn-down-deadline-words")).containsText("Deadline");
		assertThat(chart.getByTestId("burn-down-history")).hasAttribute("points",
				java.util.regex.Pattern.compile("\\d.*,.*\\d"));
	}

	@Test
	void namesThatLookLikeMarkupAreShownAsTextOnTheNewPages() {
		registerFleet(1, PROBE + this.run);
		long id = createDraft(PROBE + " " + this.run);
		signIn("manager");

		this.page.navigate(url("/plan?patch=" + PATCH));
		this.page.getByTestId("plan-selector").fill("run=" + this.run);
		assertThat(this.page.getByTestId("selected-count")).hasText("1");
		assertThat(this.page.getByTestId("selected-host")).containsText(PROBE);
		assertNoMarkupRan();
		this.page.navigate(url("/plan/" + id));
		assertThat(this.page.getByTestId("plan-title")).containsText(PROBE);
		assertThat(this.page.getByTestId("selected-host")).containsText(PROBE);
		assertNoMarkupRan();
		this.page.navigate(url("/patches"));
		assertThat(this.page.getByTestId("patches")).isVisible();
		assertNoMarkupRan();
		this.page.navigate(url("/exposure/" + PATCH + "?q=" + this.run));
		assertThat(this.page.getByTestId("hosts")).containsText(PROBE);
		assertThat(this.page.getByTestId("burn-down-chart")).isVisible();
		assertNoMarkupRan();
	}

	private void assertNoMarkupRan() {
		assertThat(this.page.locator("img")).hasCount(0);
		assertThat(this.page.evaluate("window.__xss")).isNull();
	}

	private List<String> watchForPolicyViolations() {
		List<String> violations = new CopyOnWriteArrayList<>();
		this.context = chromium.browser().newContext();
		this.page = this.context.newPage();
		this.page.onConsoleMessage(message -> {
			if (message.text().contains("Content Security Policy")) {
				violations.add(message.text());
			}
		});
		return violations;
	}

	private void acceptDialogs() {
		this.page.onDialog(dialog -> dialog.accept());
	}

	private int exposed() {
		for (var patch : new ApiClient(this.port, "viewer").get("/api/v1/patches").json()) {
			if (patch.get("id").asString().equals(PATCH)) {
				return patch.get("exposed").asInt();
			}
		}
		throw new AssertionError("no patch " + PATCH);
	}

	private long rolloutCount() {
		return new ApiClient(this.port, "viewer").get("/api/v1/rollouts?size=1").json().get("total").asLong();
	}

	/**
	 * Hosts running the product, labelled with this run; the last one is already at the
	 * fixed build.
	 */
	private void registerFleet(int size, String prefix) {
		ApiClient.Response connector = new ApiClient(this.port, "admin").post("/api/v1/connectors", ApiClient.json(Map
			.of("name", "sim-" + this.run, "type", "simulator", "settings", Map.of("installLatency", "PT0.3S"))));
		assertThat(connector.status()).as(connector.body()).isEqualTo(201);
		List<Map<String, Object>> targets = new ArrayList<>();
		for (int number = 1; number <= size; number++) {
			Map<String, String> labels = new LinkedHashMap<>(Map.of("run", this.run, "app", "apex-central"));
			targets.add(Map.of("name", "%s-%02d".formatted(prefix, number), "address", "10.79.0." + number, "labels",
					labels, "connector", "sim-" + this.run, "installedVersion",
					number == size && size > 2 ? "14.0.7190" : "14.0.6850"));
		}
		ApiClient.Response registered = new ApiClient(this.port, "manager").post("/api/v1/targets",
				ApiClient.json(targets));
		assertThat(registered.status()).as(registered.body()).isEqualTo(200);
	}

	private long createDraft(String name) {
		ApiClient.Response created = new ApiClient(this.port, "manager").post("/api/v1/rollouts",
				ApiClient.json(Map.of("name", name, "patchId", PATCH, "selector", "run=" + this.run, "waves",
						List.of(Map.of("name", "all", "size", "100%", "maxConcurrency", 1)))));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		long id = created.json().get("id").asLong();
		this.rollouts.add(id);
		return id;
	}

	private void signIn(String user) {
		if (this.context == null) {
			this.context = chromium.browser().newContext();
			this.page = this.context.newPage();
		}
		this.page.navigate(url("/login"));
		this.page.getByLabel("Username").fill(user);
		this.page.getByLabel("Password").fill(PatchwaveWebTest.PASSWORD);
		this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
		assertThat(this.page.getByTestId("signed-in")).containsText(user);
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

}
