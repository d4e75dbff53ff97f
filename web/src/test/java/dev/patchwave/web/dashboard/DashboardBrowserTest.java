package dev.patchwave.web.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import com.microsoft.playwright.options.FilePayload;
import com.microsoft.playwright.options.Media;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import com.microsoft.playwright.options.SelectOption;
import dev.patchwave.web.ApiClient;
import dev.patchwave.web.PatchwaveWebTest;
import dev.patchwave.web.browser.Chromium;
import java.nio.charset.StandardCharsets;
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

	private static final String PATCH = "apex-central-2019-cp-7190";

	/** The page's background in dark mode: {@code --page} in patchwave.css. */
	private static final String DARK_PAGE = "rgb(16, 21, 28)";

	private static Chromium chromium;

	@LocalServerPort
	int port;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

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

	/**
	 * Rollouts over hosts labelled app=apex-central: other tests plan rollouts over all
	 * of those, and a host may be in one active rollout only.
	 */
	private final List<Long> apexRollouts = new ArrayList<>();

	@AfterEach
	void closeBrowserContext() {
		if (this.context != null) {
			this.context.close();
		}
		// ended ones answer 409, which is as good
		this.apexRollouts
			.forEach(id -> new ApiClient(this.port, "operator").post("/api/v1/rollouts/%d/abort".formatted(id)));
	}

	@Test
	void anOperatorStartsARolloutOnThePageAndWatchesItHaltLiveWithoutReloading() {
		long id = rolloutInThreeWaves(Set.of(4, 5));
		signIn("operator");
		this.page.navigate(url("/rollouts/" + id));
		assertThat(this.page.getByTestId("rollout-state")).hasAttribute("data-state", "DRAFT");
		assertThat(this.page.getByTestId("wave-0-pending")).hasText("2");
		// a reload, or a form post that replaced the page, would lose this
		this.page.evaluate("window.__marker = 1");

		this.page.getByTestId("action-start").click();

		assertThat(this.page.getByTestId("wave-0-succeeded")).hasText("2");
		assertThat(this.page.getByTestId("wave-0-state")).hasAttribute("data-state", "SUCCEEDED");
		assertThat(this.page.getByTestId("rollout-state")).hasAttribute("data-state", "HALTED");
		assertThat(this.page.getByTestId("wave-1-state")).hasAttribute("data-state", "HALTED");
		Locator failing = this.page.getByTestId("failed-targets")
			.getByTestId("failed-target")
			.filter(new Locator.FilterOptions().setHasText(target(4)));
		assertThat(failing).containsText("1603");
		// failures are grouped by their cause
		assertThat(failing.locator("xpath=ancestor::*[@data-testid='failure-group']"))
			.containsText("FATAL_TARGET_ERROR");
		assertThat(this.page.getByTestId("wave-2-succeeded")).hasText("0");
		assertThat(this.page.getByTestId("wave-2-pending")).hasText("6");
		assertThat(this.page.getByTestId("wave-2-state")).hasAttribute("data-state", "PENDING");
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

		assertThat(this.page.getByTestId("rollout-state")).hasAttribute("data-state", "DRAFT");
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
		assertThat(this.page.getByTestId("rollout-state")).not().hasAttribute("data-state", "DRAFT");
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
		assertThat(row.getByTestId("rollout-row-state")).hasAttribute("data-state", "DRAFT");

		new ApiClient(this.port, "operator").post("/api/v1/rollouts/%d/start".formatted(id));

		assertThat(row.getByTestId("rollout-row-state")).hasAttribute("data-state", "SUCCEEDED");
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
		assertThat(this.page.getByTestId("wave-0-state")).hasAttribute("data-state", "PENDING");
		this.page.navigate(url("/"));
		assertThat(this.page.getByTestId("rollouts")).isVisible();

		// the progress bar's shares come from data-share, set as styles by script: the
		// policy allows no style attribute in the markup
		Locator pending = this.page.locator("[data-testid='rollout-row-%d'] .seg.pending".formatted(id));
		assertThat(pending).hasAttribute("data-share", "1");
		assertThat(pending.evaluate("segment => segment.style.flexGrow")).isEqualTo("1");
		assertThat(violations).isEmpty();
	}

	@Test
	void anOperatorRetriesAFailedHostAndSkipsAnotherWithAReasonAfterAHalt() {
		// the second wave starts targets 3 and 4 together; both fail, and the wave halts
		long id = rolloutInThreeWaves(Set.of(3, 4));
		new ApiClient(this.port, "operator").post("/api/v1/rollouts/%d/start".formatted(id));
		signIn("operator");
		List<String> questions = acceptDialogs();
		this.page.navigate(url("/rollouts/" + id));
		assertThat(this.page.getByTestId("rollout-state")).hasAttribute("data-state", "HALTED");
		assertThat(this.page.getByTestId("wave-1-failed")).hasText("2");
		Locator failures = this.page.getByTestId("failed-targets");
		assertThat(failures.getByTestId("failure-group")).containsText("The install failed on the host");
		assertThat(failures.getByTestId("failure-group")).containsText("FATAL_TARGET_ERROR");
		Locator retried = failedRow(target(3));
		assertThat(retried.getByTestId("failed-attempts")).hasText("1");
		assertThat(retried).containsText("1603");

		this.page.getByTestId("retry-wave-1").click();

		// the simulator fails these hosts every time: a second attempt, and a halt again
		assertThat(retried.getByTestId("failed-attempts")).hasText("2");
		assertThat(this.page.getByTestId("rollout-state")).hasAttribute("data-state", "HALTED");
		assertThat(this.page.getByTestId("events")).containsText("RETRY_FAILED");

		Locator skipped = failedRow(target(4));
		assertThat(skipped.getByTestId("failed-attempts")).hasText("2");
		skipped.getByTestId("skip-reason").fill("decommissioned next week");
		skipped.getByTestId("skip-target").click();

		assertThat(this.page.getByTestId("flash-notice")).containsText("decommissioned next week");
		assertThat(failedRow(target(4))).hasCount(0);
		assertThat(this.page.getByTestId("wave-1-excluded")).hasText("1");
		assertThat(this.page.getByTestId("wave-1")).containsText("skipped by an operator");
		assertThat(this.page.getByTestId("events")).containsText("decommissioned next week");
		assertThat(questions).anySatisfy(question -> assertThat(question).contains("stays exposed"));
	}

	@Test
	void theCreatorMayNotApproveAWaitingWaveButASecondChangeManagerDoes() {
		registerFleet(3, Set.of());
		long id = createRollout("approval " + this.run, List.of(wave("canary", "1", 1),
				Map.of("name", "rest", "size", "100%", "maxConcurrency", 2, "requiresApproval", true)));
		new ApiClient(this.port, "operator").post("/api/v1/rollouts/%d/start".formatted(id));
		signIn("manager");
		this.page.navigate(url("/rollouts/" + id));
		assertThat(this.page.getByTestId("wave-1-state")).hasAttribute("data-state", "AWAITING_APPROVAL");

		this.page.getByTestId("approve-comment-1").fill("canary looks fine");
		this.page.getByTestId("approve-wave-1").click();

		assertThat(this.page.getByTestId("flash-problem")).containsText("four eyes");
		assertThat(this.page.getByTestId("flash-problem")).containsText("manager created this rollout");
		assertThat(this.page.getByTestId("wave-1-state")).hasAttribute("data-state", "AWAITING_APPROVAL");
		this.context.close();

		signIn("admin");
		this.page.navigate(url("/rollouts/" + id));
		this.page.getByTestId("approve-comment-1").fill("canary looks fine");
		this.page.getByTestId("approve-wave-1").click();

		assertThat(this.page.getByTestId("flash-notice")).containsText("approved");
		assertThat(this.page.getByTestId("rollout-state")).hasAttribute("data-state", "SUCCEEDED");
		assertThat(this.page.getByTestId("events")).containsText("canary looks fine");
	}

	@Test
	void anOperatorOnlySeesNoApprovalForm() {
		registerFleet(2, Set.of());
		long id = createRollout("no approval " + this.run, List.of(wave("canary", "1", 1),
				Map.of("name", "rest", "size", "100%", "maxConcurrency", 2, "requiresApproval", true)));
		new ApiClient(this.port, "operator").post("/api/v1/rollouts/%d/start".formatted(id));
		signIn("operator");
		this.page.navigate(url("/rollouts/" + id));
		assertThat(this.page.getByTestId("wave-1-state")).hasAttribute("data-state", "AWAITING_APPROVAL");
		assertThat(this.page.getByTestId("decide-wave-1")).hasCount(0);
	}

	@Test
	void rollingBackAsksHowManyHostsItReExposesAndTheRolledBackSegmentHasALegend() {
		long id = rolloutInThreeWaves(Set.of(4));
		new ApiClient(this.port, "operator").post("/api/v1/rollouts/%d/start".formatted(id));
		signIn("operator");
		List<String> questions = acceptDialogs();
		this.page.navigate(url("/rollouts/" + id));
		assertThat(this.page.getByTestId("rollout-state")).hasAttribute("data-state", "HALTED");
		// targets in flight when the wave halted finish first
		assertThat(this.page.getByTestId("wave-1-inflight")).hasText("0");
		String patched = this.page.getByTestId("wave-0-succeeded").textContent();
		int reExposed = Integer.parseInt(patched)
				+ Integer.parseInt(this.page.getByTestId("wave-1-succeeded").textContent());

		this.page.getByTestId("action-rollback").click();

		assertThat(this.page.getByTestId("rollout-state")).hasAttribute("data-state", "ROLLED_BACK");
		assertThat(questions).singleElement()
			.satisfies(
					question -> assertThat(question).contains("The patch comes off the %d hosts".formatted(reExposed))
						.contains("exposed again"));
		assertThat(this.page.getByTestId("wave-0-rolledback")).hasText("2");
		assertThat(this.page.getByTestId("wave-0")).containsText("rolled back");
		assertThat(this.page.getByTestId("rollout-verdict")).containsText("Rolled back");
		// nothing more will run in the last wave: its targets are not "pending"
		assertThat(this.page.getByTestId("wave-2-pending-label")).hasText("never started");
		// a "Rolling back" notice is not true any more
		assertThat(this.page.locator(".flash").filter(new Locator.FilterOptions().setHasText("Rolling back")))
			.hasCount(0);
	}

	@Test
	void aRolloutThatEndsWithExposedHostsSaysSoAndIsNotShownAsASuccess() {
		registerFleet(3, Set.of(2));
		long id = createRollout("tolerant " + this.run,
				List.of(Map.of("name", "all", "size", "100%", "maxConcurrency", 3, "failureThreshold", "1")));
		new ApiClient(this.port, "operator").post("/api/v1/rollouts/%d/start".formatted(id));
		signIn("viewer");
		this.page.navigate(url("/rollouts/" + id));

		assertThat(this.page.getByTestId("rollout-state")).hasAttribute("data-state", "COMPLETED_WITH_FAILURES");
		assertThat(this.page.getByTestId("rollout-state")).hasText("Completed with failures");
		assertThat(this.page.getByTestId("rollout-verdict")).containsText("1 of 3 hosts are still exposed");
		// times are written in words in the reader's zone, not as ISO-8601
		assertThat(this.page.getByTestId("rollout-started")).not().containsText("T");
		assertThat(this.page.getByTestId("rollout-started").locator("time")).hasAttribute("title",
				java.util.regex.Pattern.compile("\\d{4}"));
	}

	@Test
	void theTimelineIsPagedAndFilteredByKindAndText() {
		registerFleet(12, Set.of());
		long id = createRollout(List.of(wave("all", "100%", 4)));
		new ApiClient(this.port, "operator").post("/api/v1/rollouts/%d/start".formatted(id));
		signIn("viewer");
		this.page.navigate(url("/rollouts/" + id));
		assertThat(this.page.getByTestId("rollout-state")).hasAttribute("data-state", "SUCCEEDED");
		this.page.navigate(url("/rollouts/" + id));
		// created, started, the wave, and each target dispatched and succeeded
		int total = Integer.parseInt(this.page.getByTestId("events-total").textContent());
		assertThat(total).isGreaterThan(Timeline.PAGE_SIZE);
		assertThat(this.page.getByTestId("event")).hasCount(Timeline.PAGE_SIZE);

		this.page.getByTestId("events-older").click();
		assertThat(this.page.getByTestId("event")).hasCount(Math.min(Timeline.PAGE_SIZE, total - Timeline.PAGE_SIZE));
		assertThat(this.page.getByTestId("events-newer")).isVisible();

		this.page.getByTestId("events-type").selectOption("TARGET_SUCCEEDED");
		this.page.getByTestId("events-filter").getByRole(AriaRole.BUTTON).click();
		assertThat(this.page.getByTestId("event")).hasCount(12);
		this.page.getByTestId("events-type").selectOption(new SelectOption().setLabel("all"));
		this.page.getByTestId("events-text").fill(target(4));
		this.page.getByTestId("events-filter").getByRole(AriaRole.BUTTON).click();
		assertThat(this.page.getByTestId("events-total")).hasText("2");
		assertThat(this.page.getByTestId("event")).hasCount(2);
		for (String row : this.page.getByTestId("event").allTextContents()) {
			assertThat(row).contains(target(4));
		}
	}

	@Test
	void startingARolloutOnProductionHostsAsksFirstAndNothingStartsWhenDeclined() {
		registerFleet(2, Set.of(), Map.of("env", "prod"));
		long id = createRollout("prod " + this.run, List.of(wave("all", "100%", 1)));
		signIn("operator");
		List<String> questions = new java.util.concurrent.CopyOnWriteArrayList<>();
		this.page.onDialog(dialog -> {
			questions.add(dialog.message());
			dialog.dismiss();
		});
		this.page.navigate(url("/rollouts/" + id));

		this.page.getByTestId("action-start").click();

		assertThat(questions).singleElement()
			.satisfies(question -> assertThat(question).contains("2 of them in production"));
		assertThat(this.page.getByTestId("rollout-state")).hasAttribute("data-state", "DRAFT");
		assertThat(new ApiClient(this.port, "viewer").get("/api/v1/rollouts/" + id).json().get("state").asString())
			.isEqualTo("DRAFT");
	}

	@Test
	void namesThatLookLikeMarkupAreShownAsTextOnTheRolloutPageAndTheOverview() {
		String probe = "<img src=x onerror=\"window.__xss=1\">";
		registerFleet(1, Set.of(1), Map.of("app", "apex-central"), probe);
		long id = createRollout(probe + " " + this.run, List.of(wave("all", "100%", 1)));
		this.apexRollouts.add(id);
		new ApiClient(this.port, "operator").post("/api/v1/rollouts/%d/start".formatted(id));
		signIn("viewer");

		this.page.navigate(url("/rollouts/" + id));
		assertThat(this.page.getByTestId("rollout-name")).containsText(probe);
		assertThat(failedRow(probe + "-01")).isVisible();
		assertThat(this.page.getByTestId("events")).containsText(probe);
		assertNoMarkupRan();
		this.page.navigate(url("/"));
		assertThat(this.page.getByTestId("rollout-row-" + id)).containsText(probe);
		assertNoMarkupRan();
		this.page.navigate(url("/exposure/" + PATCH + "?status=FAILED"));
		assertThat(this.page.getByTestId("hosts")).containsText(probe);
		assertNoMarkupRan();
		this.page.navigate(url("/reports/" + PATCH));
		assertThat(this.page.getByTestId("report-attention")).containsText(probe);
		assertNoMarkupRan();
	}

	private void assertNoMarkupRan() {
		assertThat(this.page.locator("img")).hasCount(0);
		assertThat(this.page.evaluate("window.__xss")).isNull();
	}

	/**
	 * Three Apex hosts at the site, the given one failing, rolled out to completion with
	 * that failure; signed in as the viewer on the rollout's page.
	 */
	private void completedWithOneFailure(String site, int failing) {
		registerFleet(3, Set.of(failing), Map.of("app", "apex-central", "site", site, "tier", "critical"));
		long id = createRollout(
				List.of(Map.of("name", "all", "size", "100%", "maxConcurrency", 3, "failureThreshold", "1")));
		this.apexRollouts.add(id);
		new ApiClient(this.port, "operator").post("/api/v1/rollouts/%d/start".formatted(id));
		signIn("viewer");
		this.page.navigate(url("/rollouts/" + id));
		assertThat(this.page.getByTestId("rollout-state")).hasAttribute("data-state", "COMPLETED_WITH_FAILURES");
	}

	@Test
	void theExposureBreakdownCountsHostsBySiteAndListsThemWithFilters() {
		String site = "s" + this.run;
		completedWithOneFailure(site, 2);

		this.page.navigate(url("/"));
		this.page.getByTestId("exposure-" + PATCH).getByRole(AriaRole.LINK).first().click();
		assertThat(this.page.getByTestId("exposure-title")).containsText("Apex Central");
		this.page.getByTestId("breakdown-by").selectOption("site");
		this.page.getByTestId("breakdown-apply").click();

		Locator row = this.page.locator("[data-testid='breakdown-row'][data-value='%s']".formatted(site));
		assertThat(row.getByTestId("breakdown-exposed")).hasText("1");
		assertThat(row.getByTestId("breakdown-patched")).hasText("2");
		assertThat(row.getByTestId("breakdown-failed")).hasText("1");
		row.getByRole(AriaRole.LINK).click();
		assertThat(this.page.getByTestId("hosts-total")).hasText("3");
		this.page.getByTestId("hosts-status").selectOption("FAILED");
		this.page.getByTestId("hosts-apply").click();
		assertThat(this.page.getByTestId("host")).hasCount(1);
		assertThat(this.page.getByTestId("host")).containsText(target(2));
		assertThat(this.page.getByTestId("host")).containsText("failed");
	}

	@Test
	void theLeadershipReportShowsExposureNowAndAtStartBySiteAndWhatNeedsAttentionAndPrints() {
		String site = "r" + this.run;
		completedWithOneFailure(site, 3);

		this.page.navigate(url("/exposure/" + PATCH));
		this.page.getByTestId("open-report").click();

		assertThat(this.page.getByTestId("report-title")).containsText("Apex Central");
		assertThat(this.page.getByTestId("report-advisories")).containsText("CVE-2025-69258");
		assertThat(this.page.getByTestId("report-advisories")).containsText("9.8");
		Locator group = this.page.getByTestId("report-by-site")
			.locator("[data-testid='report-group'][data-value='%s']".formatted(site));
		assertThat(group.locator("td").nth(1)).hasText("1");
		assertThat(group.locator("td").nth(2)).hasText("3");
		assertThat(this.page.getByTestId("report-attention")
			.getByTestId("report-attention-row")
			.filter(new Locator.FilterOptions().setHasText(target(3)))).containsText("1603");

		this.page.emulateMedia(new Page.EmulateMediaOptions().setMedia(Media.PRINT));
		assertThat(this.page.locator(".topbar")).isHidden();
		assertThat(this.page.getByTestId("report-exposure")).isVisible();
	}

	@Test
	void everyPageFitsA390PixelScreenAndFollowsTheSystemsDarkMode() {
		long id = rolloutInOneWave();
		this.context = chromium.browser()
			.newContext(new Browser.NewContextOptions().setViewportSize(390, 844).setColorScheme(ColorScheme.DARK));
		this.page = this.context.newPage();
		this.page.navigate(url("/login"));
		assertThat(background()).isEqualTo(DARK_PAGE);
		assertThat(overflow()).as("login page wider than the screen").isLessThanOrEqualTo(390);
		signInOnThisPage("admin");

		for (String path : List.of("/", "/rollouts/" + id, "/exposure/" + PATCH, "/reports/" + PATCH)) {
			this.page.navigate(url(path));
			assertThat(this.page.getByTestId("signed-in")).isVisible();
			assertThat(overflow()).as("%s wider than the screen", path).isLessThanOrEqualTo(390);
			assertThat(background()).as(path).isEqualTo(DARK_PAGE);
		}
	}

	@Test
	void theSignInPageIsOursPointsToTheDemoPasswordAndLeadsBackToThePageAskedFor() {
		long id = rolloutInOneWave();
		this.context = chromium.browser().newContext();
		this.page = this.context.newPage();
		this.page.navigate(url("/rollouts/" + id));
		assertThat(this.page).hasURL(url("/login"));
		assertThat(this.page.getByTestId("demo-banner")).containsText("demo-password.txt");
		assertThat(this.page.getByTestId("demo-banner")).not().containsText(PatchwaveWebTest.PASSWORD);
		this.page.getByLabel("Username").fill("nobody-" + this.run);
		this.page.getByLabel("Password").fill("wrong");
		this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
		assertThat(this.page.getByTestId("login-error")).isVisible();

		signInOnThisPage("manager");

		// straight back to the page asked for, with no "?continue" left in the address
		assertThat(this.page).hasURL(url("/rollouts/" + id));
		assertThat(this.page.getByTestId("signed-in-role")).hasText("Change manager");
	}

	@Test
	void aCsvImportWithABadRowImportsNothingAndNamesTheRowThenAGoodOneImportsAll() {
		registerFleet(1, Set.of());
		String connector = "sim-" + this.run;
		String bad = """
				name,address,labels,connector,installedVersion
				csv-%1$s-01,10.66.0.1,run=csv%1$s;site=fra1,%2$s,14.0.6850
				csv-%1$s-02,,run=csv%1$s,%2$s,14.0.6850
				csv-%1$s-03,10.66.0.3,run=csv%1$s;tier,%2$s,14.0.6850
				""".formatted(this.run, connector);
		signIn("manager");
		this.page.navigate(url("/targets"));

		upload(bad);

		assertThat(this.page.getByTestId("import-problem")).containsText("Nothing was imported");
		assertThat(this.page.locator("[data-testid='import-row'][data-line='3']")).containsText("address");
		assertThat(this.page.locator("[data-testid='import-row'][data-line='4']")).containsText("label 'tier'");
		assertThat(new ApiClient(this.port, "viewer").get("/api/v1/targets?selector=run=csv" + this.run)
			.json()
			.get("total")
			.asInt()).isZero();

		upload(bad.replace(",,run=", ",10.66.0.2,run=").replace(";tier,", ";tier=low,"));

		assertThat(this.page.getByTestId("import-done")).containsText("Imported 3 targets: 3 new");
		assertThat(this.page.getByTestId("import-row")).hasCount(3);
		assertThat(new ApiClient(this.port, "viewer").get("/api/v1/targets?selector=run=csv" + this.run)
			.json()
			.get("total")
			.asInt()).isEqualTo(3);
	}

	@Test
	void aViewerSeesNoImportAndCannotPostOne() {
		signIn("viewer");
		this.page.navigate(url("/targets"));
		assertThat(this.page.getByTestId("targets")).isVisible();
		assertThat(this.page.getByTestId("import")).hasCount(0);
		String csrf = this.page.locator("input[name=_csrf]").first().inputValue();
		APIResponse posted = this.page.request()
			.post(url("/targets/import"), RequestOptions.create()
				.setMultipart(FormData.create()
					.set("_csrf", csrf)
					.set("file", new FilePayload("t.csv", "text/csv", "name\n".getBytes(StandardCharsets.UTF_8))))
				.setMaxRedirects(0));
		assertThat(posted.status()).isEqualTo(403);
	}

	@Test
	void anAdminTestsAConnectorLiveAndSeesItsHealth() {
		registerFleet(1, Set.of());
		signIn("admin");
		this.page.navigate(url("/connectors"));
		Locator connector = this.page.locator("[data-testid='connector'][data-name='sim-%s']".formatted(this.run));
		assertThat(connector.getByTestId("connector-health")).hasText("UP");

		connector.getByTestId("connector-test").click();

		assertThat(this.page.getByTestId("test-result")).containsText("sim-" + this.run);
		assertThat(this.page.getByTestId("check").first()).containsText("passed");
		this.context.close();
		signIn("viewer");
		this.page.navigate(url("/connectors"));
		assertThat(this.page.getByTestId("connector").first()).isVisible();
		assertThat(this.page.getByTestId("connector-test")).hasCount(0);
	}

	@Test
	void aTargetNamedLikeMarkupIsShownAsTextOnTheTargetsPage() {
		String probe = "<img src=x onerror=\"window.__xss=1\">";
		registerFleet(1, Set.of(), Map.of(), probe + this.run);
		signIn("viewer");
		this.page.navigate(url("/targets?selector=run=" + this.run));
		assertThat(this.page.getByTestId("target")).containsText(probe);
		assertNoMarkupRan();
	}

	private void upload(String csv) {
		this.page.getByTestId("import-file")
			.setInputFiles(new FilePayload("targets.csv", "text/csv", csv.getBytes(StandardCharsets.UTF_8)));
		this.page.getByTestId("import-submit").click();
	}

	private int overflow() {
		return ((Number) this.page.evaluate("document.documentElement.scrollWidth")).intValue();
	}

	private Object background() {
		return this.page.evaluate("getComputedStyle(document.body).backgroundColor");
	}

	private void signIn(String user) {
		this.context = chromium.browser().newContext();
		this.page = this.context.newPage();
		this.page.navigate(url("/login"));
		signInOnThisPage(user);
	}

	private void signInOnThisPage(String user) {
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
		registerFleet(size, failing, Map.of());
	}

	private void registerFleet(int size, Set<Integer> failing, Map<String, String> extraLabels) {
		registerFleet(size, failing, extraLabels, "dash-" + this.run);
	}

	/** Targets named {@code prefix-01} and on, labelled with this run and the extras. */
	private void registerFleet(int size, Set<Integer> failing, Map<String, String> extraLabels, String prefix) {
		ApiClient.Response connector = new ApiClient(this.port, "admin").post("/api/v1/connectors", ApiClient.json(Map
			.of("name", "sim-" + this.run, "type", "simulator", "settings", Map.of("installLatency", "PT0.3S"))));
		assertThat(connector.status()).as(connector.body()).isEqualTo(201);
		List<Map<String, Object>> targets = new ArrayList<>();
		for (int number = 1; number <= size; number++) {
			Map<String, String> labels = new LinkedHashMap<>(Map.of("run", this.run));
			labels.putAll(extraLabels);
			if (failing.contains(number)) {
				labels.put("simulate", "fail");
			}
			targets.add(Map.of("name", "%s-%02d".formatted(prefix, number), "address", "10.77.0." + number, "labels",
					labels, "connector", "sim-" + this.run, "installedVersion", "14.0.6850"));
		}
		ApiClient.Response registered = new ApiClient(this.port, "manager").post("/api/v1/targets",
				ApiClient.json(targets));
		assertThat(registered.status()).as(registered.body()).isEqualTo(200);
	}

	private long createRollout(List<Map<String, Object>> waves) {
		return createRollout("dashboard " + this.run, waves);
	}

	private long createRollout(String name, List<Map<String, Object>> waves) {
		ApiClient.Response created = new ApiClient(this.port, "manager").post("/api/v1/rollouts",
				ApiClient.json(Map.of("name", name, "patchId", PATCH, "selector", "run=" + this.run, "advance", "AUTO",
						"bakeTime", "PT0S", "waves", waves)));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json().get("id").asLong();
	}

	private static Map<String, Object> wave(String name, String size, int maxConcurrency) {
		return Map.of("name", name, "size", size, "maxConcurrency", maxConcurrency, "failureThreshold", "0");
	}

	/** Accepts every confirmation the page asks for, keeping the questions. */
	private List<String> acceptDialogs() {
		List<String> questions = new java.util.concurrent.CopyOnWriteArrayList<>();
		this.page.onDialog(dialog -> {
			questions.add(dialog.message());
			dialog.accept();
		});
		return questions;
	}

	private Locator failedRow(String target) {
		return this.page.getByTestId("failed-targets")
			.locator("[data-testid='failed-target']")
			.filter(new Locator.FilterOptions()
				.setHas(this.page.locator("td").getByText(target, new Locator.GetByTextOptions().setExact(true))));
	}

	private String target(int number) {
		return "dash-%s-%02d".formatted(this.run, number);
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

}
