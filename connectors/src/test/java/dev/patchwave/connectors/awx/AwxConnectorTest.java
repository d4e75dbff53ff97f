package dev.patchwave.connectors.awx;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.patchwave.connectors.awx.FakeAwx.TEMPLATE;
import static dev.patchwave.connectors.awx.FakeAwx.TOKEN;
import static dev.patchwave.connectors.awx.FakeAwx.fixture;
import static dev.patchwave.connectors.awx.FakeAwx.json;
import static dev.patchwave.connectors.awx.FakeAwx.keys;
import static dev.patchwave.connectors.awx.FakeAwx.ok;
import static dev.patchwave.connectors.awx.FakeAwx.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.patchwave.common.connector.CallStatus;
import dev.patchwave.common.connector.Connector;
import dev.patchwave.common.connector.ConnectorCheck;
import dev.patchwave.common.connector.ConnectorHealth;
import dev.patchwave.common.connector.InstallRequest;
import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.patch.Version;
import dev.patchwave.connectors.awx.FakeAwx.Summary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * The AWX connector against an AWX played by WireMock, answering as AWX's REST API v2
 * documents.
 */
class AwxConnectorTest {

	private static final String LAUNCH = "/api/v2/job_templates/7/launch/";

	private static final FakeAwxJobList jobList = new FakeAwxJobList();

	@RegisterExtension
	static final WireMockExtension wireMock = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().extensions(jobList))
		.build();

	private final FakeAwx awx = new FakeAwx(wireMock, jobList);

	private final List<Connector> connectors = new ArrayList<>();

	@AfterEach
	void closeConnectors() {
		this.connectors.forEach(Connector::close);
	}

	@Test
	void launchesOneJobForTheBatchWithTheHostsAsLimitAndTheKeysAsExtraVariables() {
		Map<String, String> keys = keys("web-01", "web-02");
		this.awx.template(TEMPLATE, 7, true);
		this.awx.noEarlierJobs();
		this.awx.launches(7, 42, keys);
		this.awx.jobStatus(42, "successful", keys);
		this.awx.summaries(42, Summary.ok("web-01"), Summary.ok("web-02"));
		Connector connector = connector();

		List<InstallResult> results = results(connector.installBatch(List.of(request("web-01"), request("web-02"))));

		assertThat(results).allSatisfy(result -> {
			assertThat(result.cause()).isEqualTo(ResultCause.SUCCEEDED);
			assertThat(result.message()).isEqualTo("job 42: ok=4 changed=1");
			assertThat(result.installedVersion()).isEqualTo(Version.parse("14.0.7190"));
		});
		wireMock.verify(1, postRequestedFor(urlEqualTo(LAUNCH)).withHeader("Authorization", equalTo("Bearer " + TOKEN))
			.withRequestBody(equalToJson("""
					{
					  "limit": "web-01,web-02",
					  "extra_vars": {
					    "patchwave_patch": "APEX-CP-7190",
					    "patchwave_fixed_version": "14.0.7190",
					    "patchwave_keys": {"web-01": "key-web-01", "web-02": "key-web-02"}
					  }
					}""")));
		assertThat(result(connector.install(request("web-02"))).message()).isEqualTo("job 42: ok=4 changed=1");
		wireMock.verify(1, postRequestedFor(urlEqualTo(LAUNCH)));
	}

	@Test
	void searchesAwxOnceForAllTheKeysOfABatchBeforeLaunchingIt() {
		String[] hosts = hosts(50);
		Map<String, String> keys = keys(hosts);
		this.awx.template(TEMPLATE, 7, true);
		this.awx.noEarlierJobs();
		this.awx.launches(7, 42, keys);
		this.awx.jobStatus(42, "successful", keys);
		this.awx.summaries(42, Stream.of(hosts).map(Summary::ok).toArray(Summary[]::new));

		List<InstallResult> results = results(connector().installBatch(requests(hosts)));

		assertThat(results).extracting(InstallResult::cause).containsOnly(ResultCause.SUCCEEDED);
		assertThat(this.awx.jobSearches()).singleElement()
			.asString()
			.contains(keys.values().stream().map(key -> "&or__extra_vars__icontains=" + key).toArray(String[]::new));
		assertThat(this.awx.launchCount()).isOne();
		// The template once, the search, the launch, one poll and one page of summaries.
		assertThat(wireMock.getAllServeEvents()).hasSize(5);
	}

	@Test
	void findsTheEarlierJobsOfEveryKeyOfTheBatchInOneSearchAndLaunchesOnlyForTheOthers() {
		this.awx.template(TEMPLATE, 7, true);
		this.awx.earlierJob(40, "successful", keys("web-01", "web-02"));
		this.awx.jobStatus(40, "successful", keys("web-01", "web-02"));
		this.awx.summaries(40, Summary.ok("web-01"), Summary.ok("web-02"));
		// Its key contains web-03's, so the search lists it too; it is not web-03's job.
		this.awx.earlierJob(41, "successful", Map.of("web-30", "key-web-030"));
		this.awx.launches(7, 42, keys("web-03"));
		this.awx.jobStatus(42, "successful", keys("web-03"));
		this.awx.summaries(42, Summary.ok("web-03"));

		List<InstallResult> results = results(connector().installBatch(requests("web-01", "web-03")));

		assertThat(results).extracting(InstallResult::message)
			.containsExactly("job 40: ok=4 changed=1", "job 42: ok=4 changed=1");
		assertThat(this.awx.jobSearches()).hasSize(1);
		wireMock.verify(1, postRequestedFor(urlEqualTo(LAUNCH)).withRequestBody(equalToJson("""
				{"limit": "web-03", "extra_vars": {"patchwave_keys": {"web-03": "key-web-03"}}}""", true, true)));
	}

	@Test
	void splitsTheSearchOfABatchWhoseKeysWouldMakeTooLongAUrl() {
		String[] hosts = hosts(500);
		Map<String, String> keys = keys(hosts);
		this.awx.template(TEMPLATE, 7, true);
		this.awx.noEarlierJobs();
		this.awx.launches(7, 42, keys);
		this.awx.jobStatus(42, "successful", keys);
		this.awx.summaries(42, Stream.of(hosts).map(Summary::ok).toArray(Summary[]::new));

		results(connector("maxBatchSize", "500").installBatch(requests(hosts)));

		List<String> searches = this.awx.jobSearches();
		assertThat(searches).hasSize(5).allSatisfy(url -> assertThat(url).hasSizeLessThanOrEqualTo(4000));
		assertThat(searches.stream().flatMap(url -> Stream.of(url.split("&or__extra_vars__icontains=")).skip(1)))
			.containsExactlyElementsOf(keys.values());
		assertThat(this.awx.launchCount()).isOne();
	}

	@Test
	void keepsNeitherKeysNorJobsInMemoryOnceTheirInstallsHaveEnded() {
		String[] hosts = hosts(40);
		String[] first = Arrays.copyOfRange(hosts, 0, 20);
		String[] second = Arrays.copyOfRange(hosts, 20, 40);
		this.awx.template(TEMPLATE, 7, true);
		this.awx.noEarlierJobs();
		this.awx.launches(7, 42, keys(first));
		this.awx.jobStatus(42, "running", keys(first));
		this.awx.summaries(42, Stream.of(first).map(Summary::ok).toArray(Summary[]::new));
		AwxConnector connector = (AwxConnector) connector();
		List<CompletionStage<InstallResult>> running = connector.installBatch(requests(first));
		await().untilAsserted(() -> wireMock.verify(getRequestedFor(urlEqualTo("/api/v2/jobs/42/"))));
		assertThat(connector.keysInFlight()).isEqualTo(20);
		assertThat(connector.jobsFollowed()).isOne();

		this.awx.jobStatus(42, "successful", keys(first));
		results(running);
		this.awx.launches(7, 43, keys(second));
		this.awx.jobStatus(43, "successful", keys(second));
		this.awx.summaries(43, Stream.of(second).map(Summary::ok).toArray(Summary[]::new));
		results(connector.installBatch(requests(second)));

		assertThat(connector.keysInFlight()).isZero();
		assertThat(connector.jobsFollowed()).isZero();
	}

	@Test
	void aFinishedKeyAskedAgainIsAnsweredFromItsJobInAwxWithoutLaunchingAgain() {
		Map<String, String> keys = keys("web-01", "web-02");
		this.awx.template(TEMPLATE, 7, true);
		this.awx.noEarlierJobs();
		this.awx.launches(7, 42, keys);
		this.awx.jobStatus(42, "failed", keys);
		this.awx.summaries(42, Summary.ok("web-01"), new Summary("web-02", 2, 0, 1, 0));
		AwxConnector connector = (AwxConnector) connector();
		List<InstallResult> first = results(connector.installBatch(requests("web-01", "web-02")));

		InstallResult again = result(connector.install(request("web-02")));
		InstallResult afterRestart = result(connector().install(request("web-02")));

		assertThat(again).isEqualTo(first.get(1)).isEqualTo(afterRestart);
		assertThat(again.cause()).isEqualTo(ResultCause.FATAL_TARGET_ERROR);
		assertThat(again.message()).isEqualTo("job 42: 1 task(s) failed on this host (ok=2 changed=0)");
		assertThat(this.awx.launchCount()).isOne();
		// Neither memory answered: the connector and the restarted one each searched AWX.
		assertThat(this.awx.jobSearches()).hasSize(3);
		assertThat(connector.keysInFlight()).isZero();
	}

	@Test
	void concurrentRepeatsOfAKeyUnderWayJoinItsJobWithoutAskingAwx() throws InterruptedException {
		Map<String, String> keys = keys("web-01");
		this.awx.template(TEMPLATE, 7, true);
		this.awx.noEarlierJobs();
		this.awx.launches(7, 42, keys);
		this.awx.jobStatus(42, "running", keys);
		this.awx.summaries(42, Summary.ok("web-01"));
		AwxConnector connector = (AwxConnector) connector();
		CompletionStage<InstallResult> first = connector.install(request("web-01"));
		await().untilAsserted(() -> wireMock.verify(getRequestedFor(urlEqualTo("/api/v2/jobs/42/"))));

		List<CompletionStage<InstallResult>> repeats = repeatAtOnce(connector, request("web-01"), 8, null);
		this.awx.jobStatus(42, "successful", keys);

		assertThat(results(repeats)).containsOnly(result(first));
		assertThat(result(first).message()).isEqualTo("job 42: ok=4 changed=1");
		assertThat(this.awx.launchCount()).isOne();
		assertThat(this.awx.jobSearches()).hasSize(1);
	}

	@Test
	void repeatsSentTheMomentAKeySettlesFindItsJobInAwxAndNeverLaunchASecond() throws InterruptedException {
		Map<String, String> keys = keys("web-01");
		this.awx.template(TEMPLATE, 7, true);
		this.awx.noEarlierJobs();
		this.awx.launches(7, 42, keys);
		this.awx.jobStatus(42, "running", keys);
		this.awx.summaries(42, Summary.ok("web-01"));
		AwxConnector connector = (AwxConnector) connector();
		CompletionStage<InstallResult> first = connector.install(request("web-01"));
		CountDownLatch settled = new CountDownLatch(1);
		first.whenComplete((result, ex) -> settled.countDown());
		await().untilAsserted(() -> wireMock.verify(getRequestedFor(urlEqualTo("/api/v2/jobs/42/"))));

		this.awx.jobStatus(42, "successful", keys);
		List<CompletionStage<InstallResult>> repeats = repeatAtOnce(connector, request("web-01"), 8, settled);

		assertThat(results(repeats)).containsOnly(result(first));
		assertThat(this.awx.launchCount()).isOne();
		assertThat(connector.keysInFlight()).isZero();
		assertThat(connector.jobsFollowed()).isZero();
	}

	@Test
	void mapsHostSummariesOnEveryPageToCausesAndFailsHostsTheFailedJobLeftOut() {
		Map<String, String> keys = keys("web-01", "web-02", "web-03", "web-04");
		this.awx.template(TEMPLATE, 7, true);
		this.awx.noEarlierJobs();
		this.awx.launches(7, 42, keys);
		this.awx.jobStatus(42, "failed", keys);
		wireMock.stubFor(get(urlPathEqualTo("/api/v2/jobs/42/job_host_summaries/")).withQueryParam("page", absent())
			.willReturn(ok(fixture("job-host-summaries-page-1.json"))));
		wireMock.stubFor(get(urlPathEqualTo("/api/v2/jobs/42/job_host_summaries/")).withQueryParam("page", equalTo("2"))
			.willReturn(ok(fixture("job-host-summaries-page-2.json"))));

		List<InstallResult> results = results(connector()
			.installBatch(List.of(request("web-01"), request("web-02"), request("web-03"), request("web-04"))));

		assertThat(results).extracting(InstallResult::cause, InstallResult::message)
			.containsExactly(tuple(ResultCause.SUCCEEDED, "job 42: ok=5 changed=2"),
					tuple(ResultCause.FATAL_TARGET_ERROR, "job 42: 1 task(s) failed on this host (ok=3 changed=0)"),
					tuple(ResultCause.UNREACHABLE_TARGET, "job 42: host unreachable (dark=1, ok=0 changed=0)"),
					tuple(ResultCause.FATAL_TARGET_ERROR, "job 42 ended failed without a result for this host"));
	}

	@Test
	void joinsTheJobAlreadyLaunchedUnderItsKeysInsteadOfLaunchingAgain() {
		Map<String, String> keys = keys("web-01", "web-02");
		this.awx.template(TEMPLATE, 7, true);
		this.awx.earlierJob(42, "successful", keys);
		this.awx.jobStatus(42, "successful", keys);
		this.awx.summaries(42, Summary.ok("web-01"), new Summary("web-02", 2, 0, 1, 0));

		List<InstallResult> results = results(connector().installBatch(List.of(request("web-01"), request("web-02"))));

		assertThat(results).extracting(InstallResult::cause)
			.containsExactly(ResultCause.SUCCEEDED, ResultCause.FATAL_TARGET_ERROR);
		wireMock.verify(0, postRequestedFor(urlEqualTo(LAUNCH)));
		// The job found under the first key carries the second too, so one search was
		// enough.
		wireMock.verify(1, getRequestedFor(urlPathEqualTo("/api/v2/jobs/")));
	}

	static Stream<Arguments> lostLaunchAnswers() {
		return Stream.of(Arguments.of("connection reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)),
				Arguments.of("bad gateway", aResponse().withStatus(502).withBody("<html>502 Bad Gateway</html>")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("lostLaunchAnswers")
	void looksForTheJobAfterALaunchWithoutAnswerAndFollowsItRatherThanLaunchingAgain(String what,
			ResponseDefinitionBuilder lostAnswer) {
		Map<String, String> keys = keys("web-01");
		this.awx.template(TEMPLATE, 7, true);
		wireMock.stubFor(get(urlPathEqualTo("/api/v2/jobs/")).inScenario("launch")
			.whenScenarioStateIs(STARTED)
			.willReturn(ok(fixture("empty-page.json"))));
		wireMock.stubFor(post(LAUNCH).inScenario("launch")
			.whenScenarioStateIs(STARTED)
			.willSetStateTo("launched")
			.willReturn(lostAnswer));
		// AWX created the job although its answer was lost: from now on it lists the job
		// under the key.
		wireMock.stubFor(get(urlPathEqualTo("/api/v2/jobs/")).inScenario("launch")
			.whenScenarioStateIs("launched")
			.willReturn(ok(this.awx.jobsPage(42, "running", keys))));
		this.awx.jobStatus(42, "successful", keys);
		this.awx.summaries(42, Summary.ok("web-01"));

		InstallResult result = result(connector().install(request("web-01")));

		assertThat(result.cause()).isEqualTo(ResultCause.SUCCEEDED);
		assertThat(result.message()).isEqualTo("job 42: ok=4 changed=1");
		wireMock.verify(1, postRequestedFor(urlEqualTo(LAUNCH)));
	}

	@Test
	void waitsOutTheRetryAfterOfAThrottledPollAndReadsAgain() {
		Map<String, String> keys = keys("web-01");
		this.awx.template(TEMPLATE, 7, true);
		this.awx.noEarlierJobs();
		this.awx.launches(7, 42, keys);
		wireMock.stubFor(get("/api/v2/jobs/42/").inScenario("throttle")
			.whenScenarioStateIs(STARTED)
			.willSetStateTo("throttled once")
			.willReturn(throttled()));
		wireMock.stubFor(get("/api/v2/jobs/42/").inScenario("throttle")
			.whenScenarioStateIs("throttled once")
			.willReturn(ok(this.awx.job(42, "successful", keys))));
		this.awx.summaries(42, Summary.ok("web-01"));

		InstallResult result = result(connector().install(request("web-01")));

		assertThat(result.cause()).isEqualTo(ResultCause.SUCCEEDED);
		List<ServeEvent> polls = wireMock.getAllServeEvents()
			.stream()
			.filter(event -> event.getRequest().getUrl().equals("/api/v2/jobs/42/"))
			.sorted(Comparator.comparing(event -> event.getRequest().getLoggedDate()))
			.toList();
		assertThat(polls).hasSize(2);
		assertThat(polls.get(0).getResponse().getStatus()).isEqualTo(429);
		long waitedMillis = polls.get(1).getRequest().getLoggedDate().getTime()
				- polls.get(0).getRequest().getLoggedDate().getTime();
		assertThat(waitedMillis).isGreaterThanOrEqualTo(1000);
		wireMock.verify(1, postRequestedFor(urlEqualTo(LAUNCH)));
	}

	@Test
	void neverRetriesAThrottledLaunchAndReportsAnInfrastructureError() {
		this.awx.template(TEMPLATE, 7, true);
		this.awx.noEarlierJobs();
		wireMock.stubFor(post(LAUNCH).willReturn(throttled()));

		InstallResult result = result(connector().install(request("web-01")));

		assertThat(result.cause()).isEqualTo(ResultCause.INFRASTRUCTURE_ERROR);
		assertThat(result.message()).startsWith("AWX did not confirm the launch of job template 'apex-cp-7190' (#7)")
			.contains("HTTP 429");
		wireMock.verify(1, postRequestedFor(urlEqualTo(LAUNCH)));
	}

	@Test
	void aRejectedTokenIsAnInfrastructureErrorThatSaysSoWithoutTheToken() {
		wireMock.stubFor(any(anyUrl()).willReturn(json(401, fixture("unauthorized.json"))));

		InstallResult result = result(connector().install(request("web-01")));

		assertThat(result.cause()).isEqualTo(ResultCause.INFRASTRUCTURE_ERROR);
		assertThat(result.message()).contains("AWX rejected the token (HTTP 401)").doesNotContain(TOKEN);
		wireMock.verify(0, postRequestedFor(anyUrl()));
	}

	@Test
	void refusesToLaunchATemplateThatWouldIgnoreTheLimitUntilItIsFixedInAwx() {
		Map<String, String> keys = keys("web-01");
		this.awx.template(TEMPLATE, 7, false);
		this.awx.noEarlierJobs();
		Connector connector = connector();

		InstallResult refused = result(connector.install(request("web-01")));

		assertThat(refused.cause()).isEqualTo(ResultCause.INFRASTRUCTURE_ERROR);
		assertThat(refused.message()).isEqualTo("job template 'apex-cp-7190' (#7) must have 'Prompt on launch' "
				+ "ticked for Limit, or AWX would ignore them");
		wireMock.verify(0, postRequestedFor(anyUrl()));

		this.awx.template(TEMPLATE, 7, true);
		this.awx.launches(7, 42, keys);
		this.awx.jobStatus(42, "successful", keys);
		this.awx.summaries(42, Summary.ok("web-01"));

		assertThat(result(connector.install(request("web-01"))).cause()).isEqualTo(ResultCause.SUCCEEDED);
		wireMock.verify(1, postRequestedFor(urlEqualTo(LAUNCH)));
	}

	@Test
	void cancelsAJobStillRunningAfterTheJobTimeoutAndFailsItsHosts() {
		Map<String, String> keys = keys("web-01");
		this.awx.template(TEMPLATE, 7, true);
		this.awx.noEarlierJobs();
		this.awx.launches(7, 42, keys);
		this.awx.jobStatus(42, "running", keys);
		wireMock.stubFor(post("/api/v2/jobs/42/cancel/").willReturn(aResponse().withStatus(202)));

		InstallResult result = result(connector("jobTimeout", "PT0.3S").install(request("web-01")));

		assertThat(result.cause()).isEqualTo(ResultCause.FATAL_TARGET_ERROR);
		assertThat(result.message()).isEqualTo("job 42 cancelled after PT0.3S: it was still running");
		wireMock.verify(1, postRequestedFor(urlEqualTo("/api/v2/jobs/42/cancel/")));
	}

	@Test
	void readsHostSummariesOnlyOnceAwxHasProcessedTheFinishedJobsEvents() {
		Map<String, String> keys = keys("web-01");
		this.awx.template(TEMPLATE, 7, true);
		this.awx.noEarlierJobs();
		this.awx.launches(7, 42, keys);
		wireMock.stubFor(get("/api/v2/jobs/42/").inScenario("events")
			.whenScenarioStateIs(STARTED)
			.willSetStateTo("storing events")
			.willReturn(ok(this.awx.job(42, "successful", keys).put("event_processing_finished", false))));
		wireMock.stubFor(get("/api/v2/jobs/42/").inScenario("events")
			.whenScenarioStateIs("storing events")
			.willSetStateTo("events stored")
			.willReturn(ok(this.awx.job(42, "successful", keys))));
		this.awx.summaries(42, Summary.ok("web-01"));
		// While AWX stores the events of a finished job, it has no summaries yet; the
		// newer stub wins meanwhile.
		wireMock.stubFor(get(urlPathEqualTo("/api/v2/jobs/42/job_host_summaries/")).inScenario("events")
			.whenScenarioStateIs("storing events")
			.willReturn(ok(fixture("empty-page.json"))));

		InstallResult result = result(connector().install(request("web-01")));

		assertThat(result.cause()).isEqualTo(ResultCause.SUCCEEDED);
	}

	@Test
	void anOutageMidWaveEndsInInfrastructureErrorsAndTheWaveResumesOnItsJobWhenAwxAnswersAgain() {
		Connector connector = connector("breakerWindow", "4", "breakerOpenFor", "PT1S", "retryAttempts", "2");
		Map<String, String> wave = keys("web-01", "web-02");
		this.awx.template(TEMPLATE, 7, true);
		this.awx.noEarlierJobs();
		this.awx.launches(7, 42, wave);
		this.awx.jobStatus(42, "running", wave);
		List<CompletionStage<InstallResult>> launched = connector
			.installBatch(List.of(request("web-01"), request("web-02")));
		await().untilAsserted(() -> wireMock.verify(getRequestedFor(urlEqualTo("/api/v2/jobs/42/"))));

		StubMapping outage = wireMock.stubFor(any(anyUrl()).atPriority(1)
			.willReturn(aResponse().withStatus(503).withBody("upstream connect error or disconnect/reset")));

		assertThat(results(launched)).allSatisfy(result -> {
			assertThat(result.cause()).isEqualTo(ResultCause.INFRASTRUCTURE_ERROR);
			assertThat(result.message()).startsWith("lost track of AWX job 42").contains("HTTP 503");
		});
		assertThat(connector.health().status()).isEqualTo(ConnectorHealth.Status.DOWN);
		InstallResult duringOutage = result(connector.install(request("web-03")));
		assertThat(duringOutage.cause()).isEqualTo(ResultCause.INFRASTRUCTURE_ERROR);
		assertThat(duringOutage.message()).startsWith("not calling: circuit open");

		wireMock.removeStub(outage);
		this.awx.jobStatus(42, "successful", wave);
		this.awx.summaries(42, Summary.ok("web-01"), Summary.ok("web-02"));
		this.awx.launches(7, 43, keys("web-03"));
		this.awx.jobStatus(43, "successful", keys("web-03"));
		this.awx.summaries(43, Summary.ok("web-03"));
		await().atMost(Duration.ofSeconds(5)).until(() -> !connector.health().isDown());

		assertThat(results(connector.installBatch(List.of(request("web-01"), request("web-02")))))
			.extracting(InstallResult::message)
			.containsExactly("job 42: ok=4 changed=1", "job 42: ok=4 changed=1");
		assertThat(result(connector.install(request("web-03"))).message()).isEqualTo("job 43: ok=4 changed=1");
		assertThat(connector.health().status()).isEqualTo(ConnectorHealth.Status.UP);
		wireMock.verify(2, postRequestedFor(urlEqualTo(LAUNCH)));
	}

	@Test
	void testReportsAMissingJobTemplateByName() {
		wireMock.stubFor(get("/api/v2/ping/").willReturn(ok(fixture("ping.json"))));
		wireMock.stubFor(get("/api/v2/me/").willReturn(ok(fixture("me.json"))));
		this.awx.noTemplate(TEMPLATE);

		List<ConnectorCheck> checks = connector().test().toCompletableFuture().join();

		assertThat(checks).extracting(ConnectorCheck::name, ConnectorCheck::ok, ConnectorCheck::detail)
			.containsExactly(tuple("reachable", true, "AWX 24.6.1 answers at " + wireMock.baseUrl()),
					tuple("token", true, "AWX accepts the token, as user 'patchwave'"), tuple("install job template",
							false, "job template 'apex-cp-7190' not found in AWX (or the token's user cannot see it)"));
	}

	@Test
	void testChecksTheRollbackTemplateByIdAndThatItPromptsForTheLimit() {
		wireMock.stubFor(get("/api/v2/ping/").willReturn(ok(fixture("ping.json"))));
		wireMock.stubFor(get("/api/v2/me/").willReturn(ok(fixture("me.json"))));
		this.awx.template(TEMPLATE, 7, true);
		ObjectNode rollback = (ObjectNode) this.awx.node("job-templates-by-name.json").path("results").path(0);
		rollback.put("id", 8).put("name", "apex-cp-7190-rollback").put("ask_limit_on_launch", false);
		wireMock.stubFor(get("/api/v2/job_templates/8/").willReturn(ok(rollback)));

		List<ConnectorCheck> checks = connector("rollbackJobTemplate", "8").test().toCompletableFuture().join();

		assertThat(checks).extracting(ConnectorCheck::name, ConnectorCheck::ok, ConnectorCheck::detail)
			.containsExactly(tuple("reachable", true, "AWX 24.6.1 answers at " + wireMock.baseUrl()),
					tuple("token", true, "AWX accepts the token, as user 'patchwave'"),
					tuple("install job template", true,
							"job template 'apex-cp-7190' (#7) prompts for limit and variables on launch"),
					tuple("rollback job template", false, "job template 'apex-cp-7190-rollback' (#8) must have "
							+ "'Prompt on launch' ticked for Limit, or AWX would ignore them"));
	}

	@Test
	void asksNothingOfAwxWhenCreated() {
		Connector connector = connector("rollbackJobTemplate", "apex-cp-7190-rollback");

		assertThat(connector.capabilities().rollback()).isTrue();
		assertThat(connector.health().status()).isEqualTo(ConnectorHealth.Status.UP);
		assertThat(wireMock.getAllServeEvents()).isEmpty();
	}

	@Test
	void statusReadsTheFinishedJobFoundUnderTheKeyAndNeverSeenForAKeyNoJobCarries() {
		Map<String, String> keys = keys("web-01");
		this.awx.template(TEMPLATE, 7, true);
		this.awx.noEarlierJobs();
		this.awx.earlierJob(42, "successful", keys);
		this.awx.jobStatus(42, "successful", keys);
		this.awx.summaries(42, Summary.ok("web-01"));
		Connector connector = connector();

		CallStatus known = connector.status(request("web-01")).toCompletableFuture().join();
		CallStatus unknown = connector.status(request("web-99")).toCompletableFuture().join();

		assertThat(known).isInstanceOfSatisfying(CallStatus.Finished.class, finished -> {
			assertThat(finished.result().cause()).isEqualTo(ResultCause.SUCCEEDED);
			assertThat(finished.result().message()).isEqualTo("job 42: ok=4 changed=1");
			assertThat(finished.result().installedVersion()).isEqualTo(Version.parse("14.0.7190"));
		});
		assertThat(unknown).isEqualTo(CallStatus.neverSeen());
	}

	@Test
	void statusAnswersTheHostsOwnOutcomeFromAFinishedJobOfManyHosts() {
		Map<String, String> keys = keys("web-01", "web-02");
		this.awx.template(TEMPLATE, 7, true);
		this.awx.earlierJob(42, "failed", keys);
		this.awx.jobStatus(42, "failed", keys);
		this.awx.summaries(42, Summary.ok("web-01"), new Summary("web-02", 2, 0, 1, 0));

		CallStatus status = connector().status(request("web-02")).toCompletableFuture().join();

		assertThat(status).isInstanceOfSatisfying(CallStatus.Finished.class, finished -> {
			assertThat(finished.result().cause()).isEqualTo(ResultCause.FATAL_TARGET_ERROR);
			assertThat(finished.result().message()).startsWith("job 42: 1 task(s) failed on this host");
		});
	}

	@Test
	void statusOfARunningJobIsRunningWithoutFollowingIt() {
		Map<String, String> keys = keys("web-01");
		this.awx.template(TEMPLATE, 7, true);
		this.awx.earlierJob(42, "running", keys);

		CallStatus status = connector().status(request("web-01")).toCompletableFuture().join();

		assertThat(status).isEqualTo(CallStatus.running());
		wireMock.verify(0, getRequestedFor(urlEqualTo("/api/v2/jobs/42/")));
		wireMock.verify(0, getRequestedFor(urlPathEqualTo("/api/v2/jobs/42/job_host_summaries/")));
	}

	@Test
	void statusOfAJobWhoseEventsAreStillBeingStoredIsRunning() {
		Map<String, String> keys = keys("web-01");
		this.awx.template(TEMPLATE, 7, true);
		this.awx.earlierJob(42, "successful", keys);
		ObjectNode storing = this.awx.job(42, "successful", keys).put("event_processing_finished", false);
		wireMock.stubFor(get("/api/v2/jobs/42/").willReturn(ok(storing)));

		CallStatus status = connector().status(request("web-01")).toCompletableFuture().join();

		assertThat(status).isEqualTo(CallStatus.running());
		wireMock.verify(0, getRequestedFor(urlPathEqualTo("/api/v2/jobs/42/job_host_summaries/")));
	}

	@Test
	void statusAsksAwxEvenForAKeyThisConnectorLaunched() {
		Map<String, String> keys = keys("web-01");
		this.awx.template(TEMPLATE, 7, true);
		this.awx.noEarlierJobs();
		this.awx.launches(7, 42, keys);
		this.awx.jobStatus(42, "running", keys);
		Connector connector = connector();
		connector.install(request("web-01"));
		await().untilAsserted(() -> wireMock.verify(getRequestedFor(urlEqualTo("/api/v2/jobs/42/"))));
		this.awx.deleted(42);

		// AWX has no job under the key (it was deleted there): AWX's word counts.
		CallStatus status = connector.status(request("web-01")).toCompletableFuture().join();

		assertThat(status).isEqualTo(CallStatus.neverSeen());
	}

	@Test
	void statusCompletesExceptionallyWhenAwxDoesNotAnswer() {
		this.awx.template(TEMPLATE, 7, true);
		wireMock.stubFor(get(urlPathEqualTo("/api/v2/jobs/")).willReturn(aResponse().withStatus(503)));

		CompletionStage<CallStatus> status = connector("retryAttempts", "1").status(request("web-01"));

		assertThat(status.toCompletableFuture()).failsWithin(Duration.ofSeconds(10))
			.withThrowableThat()
			.withMessageContaining("503");
	}

	@Test
	void rollsBackWithTheRollbackTemplateForTheOneHostUnderItsOwnKey() {
		Map<String, String> keys = Map.of("web-01", "rollback-key-web-01");
		this.awx.template("apex-cp-7190-rollback", 8, true);
		this.awx.noEarlierJobs();
		this.awx.launches(8, 43, keys);
		this.awx.jobStatus(43, "successful", keys);
		this.awx.summaries(43, Summary.ok("web-01"));

		InstallResult result = result(
				connector("rollbackJobTemplate", "apex-cp-7190-rollback").rollback(request("web-01")));

		assertThat(result.cause()).isEqualTo(ResultCause.SUCCEEDED);
		assertThat(result.installedVersion()).isNull();
		wireMock.verify(1,
				postRequestedFor(urlEqualTo("/api/v2/job_templates/8/launch/")).withRequestBody(equalToJson("""
						{
						  "limit": "web-01",
						  "extra_vars": {
						    "patchwave_patch": "APEX-CP-7190",
						    "patchwave_fixed_version": "14.0.7190",
						    "patchwave_keys": {"web-01": "rollback-key-web-01"}
						  }
						}""")));
	}

	@Test
	void readsTheInstalledVersionFromTheFactAwxCachedForTheHost() {
		this.awx.template(TEMPLATE, 7, true);
		wireMock.stubFor(get(urlPathEqualTo("/api/v2/hosts/")).withQueryParam("name", equalTo("web-01"))
			.withQueryParam("inventory", equalTo("2"))
			.willReturn(ok(fixture("hosts-by-name.json"))));
		wireMock.stubFor(get("/api/v2/hosts/11/ansible_facts/").willReturn(ok(fixture("host-facts.json"))));

		Version version = connector("versionFact", "ansible_local.apex.version")
			.installedVersion(FakeAwx.target("web-01"), FakeAwx.PATCH)
			.toCompletableFuture()
			.join();

		assertThat(version).isEqualTo(Version.parse("14.0.7190"));
	}

	@Test
	void neitherLogsNorReportsTheToken() {
		PrintStream stderr = System.err;
		ByteArrayOutputStream captured = new ByteArrayOutputStream();
		List<String> messages = new ArrayList<>();
		System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
		try {
			Map<String, String> keys = keys("web-01");
			this.awx.template(TEMPLATE, 7, true);
			this.awx.noEarlierJobs();
			this.awx.launches(7, 42, keys);
			this.awx.jobStatus(42, "successful", keys);
			this.awx.summaries(42, Summary.ok("web-01"));
			messages.add(result(connector().install(request("web-01"))).message());

			wireMock.resetAll();
			wireMock.stubFor(any(anyUrl()).willReturn(json(401, fixture("unauthorized.json"))));
			Connector rejected = connector();
			messages.add(result(rejected.install(request("web-02"))).message());
			rejected.test().toCompletableFuture().join().forEach(check -> messages.add(check.detail()));
		}
		finally {
			System.setErr(stderr);
		}

		String logged = captured.toString(StandardCharsets.UTF_8);
		assertThat(logged).contains("Launched AWX job 42").contains("AWX rejected the token").doesNotContain(TOKEN);
		assertThat(messages).hasSize(5).noneMatch(message -> message.contains(TOKEN));
	}

	private Connector connector(String... settings) {
		Connector connector = new AwxConnectorFactory().create(this.awx.config(settings));
		this.connectors.add(connector);
		return connector;
	}

	/**
	 * Sends the request from as many threads at once, once the gate (if any) opens, and
	 * returns when all were sent.
	 */
	private static List<CompletionStage<InstallResult>> repeatAtOnce(Connector connector, InstallRequest request,
			int threads, CountDownLatch gate) throws InterruptedException {
		CountDownLatch ready = new CountDownLatch(threads);
		CountDownLatch go = new CountDownLatch(1);
		List<CompletionStage<InstallResult>> stages = new CopyOnWriteArrayList<>();
		List<Thread> senders = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			senders.add(Thread.ofVirtual().start(() -> {
				ready.countDown();
				try {
					go.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				stages.add(connector.install(request));
			}));
		}
		ready.await();
		if (gate != null) {
			gate.await();
		}
		go.countDown();
		for (Thread sender : senders) {
			sender.join();
		}
		assertThat(stages).hasSize(threads);
		return stages;
	}

	private static String[] hosts(int count) {
		return IntStream.rangeClosed(1, count).mapToObj("web-%03d"::formatted).toArray(String[]::new);
	}

	private static List<InstallRequest> requests(String... hosts) {
		return Stream.of(hosts).map(FakeAwx::request).toList();
	}

	private static ResponseDefinitionBuilder throttled() {
		return aResponse().withStatus(429)
			.withHeader("Retry-After", "1")
			.withHeader("Content-Type", "application/json")
			.withBody("{\"detail\": \"Request was throttled. Expected available in 1 second.\"}");
	}

	private static List<InstallResult> results(List<CompletionStage<InstallResult>> stages) {
		return stages.stream().map(AwxConnectorTest::result).toList();
	}

	private static InstallResult result(CompletionStage<InstallResult> stage) {
		return stage.toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
	}

}
