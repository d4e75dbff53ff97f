package dev.patchwave.connectors.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwave.common.connector.CallStatus;
import dev.patchwave.common.connector.ConnectorConfig;
import dev.patchwave.common.connector.InstallRequest;
import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.patch.Version;
import dev.patchwave.common.target.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorConnectorTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Version INSTALLED = Version.parse("14.0.7100");

	private static final Patch PATCH = new Patch("KB5041234", "Trend Micro", "Apex Central", "Critical patch",
			"windows", Version.parse("14.0.7190"), LocalDate.of(2025, 3, 4), List.of());

	private final List<SimulatorConnector> connectors = new ArrayList<>();

	@TempDir
	Path dir;

	@AfterEach
	void closeConnectors() {
		this.connectors.forEach(SimulatorConnector::close);
	}

	@Test
	void completesNoSoonerThanTheInstallLatency() throws Exception {
		SimulatorConnector connector = connector(Map.of("installLatency", "PT0.3S"));
		long started = System.nanoTime();
		InstallResult result = await(connector.install(request("k1", target("web-01"))));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(result.cause()).isEqualTo(ResultCause.SUCCEEDED);
	}

	@Test
	void aTargetLabelledSimulateFailAlwaysFailsWith1603() throws Exception {
		SimulatorConnector connector = connector(Map.of("rebootRate", "0.5"));
		Target target = target("web-01", Map.of("simulate", "fail"));
		for (InstallResult result : installAll(connector, IntStream.range(0, 20).mapToObj(i -> target).toList())) {
			assertThat(result).isEqualTo(new InstallResult(ResultCause.FATAL_TARGET_ERROR, 1603,
					"fatal error during installation", INSTALLED));
		}
	}

	@Test
	void aTargetLabelledSimulateUnreachableAnswersWithoutAnExitCode() throws Exception {
		SimulatorConnector connector = connector(Map.of());
		Target target = target("web-01", Map.of("simulate", "unreachable"));
		InstallResult result = await(connector.install(request("k1", target)));
		assertThat(result.cause()).isEqualTo(ResultCause.UNREACHABLE_TARGET);
		assertThat(result.exitCode()).isNull();
		assertThat(result.installedVersion()).isNull();
	}

	@Test
	void failureRateOneFailsEveryInstall() throws Exception {
		SimulatorConnector connector = connector(Map.of("failureRate", "1"));
		assertThat(installAll(connector, targets(100))).allSatisfy(result -> {
			assertThat(result.cause()).isEqualTo(ResultCause.FATAL_TARGET_ERROR);
			assertThat(result.exitCode()).isEqualTo(1603);
			assertThat(result.installedVersion()).isEqualTo(INSTALLED);
		});
	}

	@Test
	void failureRateZeroNeverFails() throws Exception {
		SimulatorConnector connector = connector(Map.of("failureRate", "0"));
		assertThat(installAll(connector, targets(100))).allSatisfy(result -> assertThat(result)
			.isEqualTo(new InstallResult(ResultCause.SUCCEEDED, 0, "installed", PATCH.fixedVersion())));
	}

	@Test
	void transientRateOneAnswers1618ForARetry() throws Exception {
		SimulatorConnector connector = connector(Map.of("transientRate", "1", "failureRate", "1"));
		assertThat(installAll(connector, targets(20)))
			.allSatisfy(result -> assertThat(result).isEqualTo(new InstallResult(ResultCause.TRANSIENT_TARGET_ERROR,
					1618, "another installation is already in progress", INSTALLED)));
	}

	@Test
	void rebootRateOneAnswers3010WithThePatchInstalled() throws Exception {
		SimulatorConnector connector = connector(Map.of("rebootRate", "1"));
		assertThat(installAll(connector, targets(20)))
			.allSatisfy(result -> assertThat(result).isEqualTo(new InstallResult(ResultCause.SUCCEEDED_REBOOT_PENDING,
					3010, "installed, reboot required", PATCH.fixedVersion())));
	}

	@Test
	void aRepeatedKeyJoinsItsInstallWhileItRunsAndIsAnsweredByTheHostOnceItFinished() throws Exception {
		SimulatorConnector connector = connector(Map.of("installLatency", "PT0.3S", "failureRate", "0.5"));
		Target target = target("web-01");
		CompletionStage<InstallResult> first = connector.install(request("k1", target));
		CompletionStage<InstallResult> whileRunning = connector.install(request("k1", target));
		assertThat(connector.keysInFlight()).isOne();
		InstallResult result = await(first);
		CompletionStage<InstallResult> afterwards = connector.install(request("k1", target));

		assertThat(await(whileRunning)).isEqualTo(result);
		assertThat(await(afterwards)).isEqualTo(result);
		assertThat(connector.installCount("web-01")).isOne();
		assertThat(connector.totalInstalls()).isOne();
		assertThat(connector.keysInFlight()).isZero();

		await(connector.install(request("k2", target)));
		assertThat(connector.installCount("web-01")).isEqualTo(2);
	}

	@Test
	void keepsNoKeyInMemoryOnceItsInstallHasFinishedAndStillNeverInstallsItTwice() throws Exception {
		SimulatorConnector connector = connector(Map.of("failureRate", "0.3"));
		List<Target> targets = targets(500);
		List<InstallResult> first = installAll(connector, targets);

		assertThat(connector.keysInFlight()).isZero();
		assertThat(installAll(connector, targets)).isEqualTo(first);
		assertThat(connector.totalInstalls()).isEqualTo(500);
		assertThat(connector.status(request("key-0", targets.get(0))).toCompletableFuture().join())
			.isEqualTo(CallStatus.finished(first.get(0)));
	}

	@Test
	void repeatsOfAKeyFromManyThreadsWhileItRunsAndAsItFinishesInstallOnce() throws Exception {
		SimulatorConnector connector = connector(Map.of("installLatency", "PT0.2S", "failureRate", "0.5"));
		InstallRequest request = request("k1", target("web-01"));
		CompletionStage<InstallResult> first = connector.install(request);
		CountDownLatch finished = new CountDownLatch(1);
		first.whenComplete((result, ex) -> finished.countDown());

		List<CompletionStage<InstallResult>> whileRunning = repeatAtOnce(connector, request, 8, new CountDownLatch(0));
		List<CompletionStage<InstallResult>> asItFinishes = repeatAtOnce(connector, request, 8, finished);

		InstallResult result = await(first);
		for (CompletionStage<InstallResult> repeat : Stream.concat(whileRunning.stream(), asItFinishes.stream())
			.toList()) {
			assertThat(await(repeat)).isEqualTo(result);
		}
		assertThat(connector.installCount("web-01")).isOne();
		assertThat(connector.keysInFlight()).isZero();
	}

	@Test
	void theSameSeedGivesTheSameOutcomesWhateverOrderTheInstallsArriveIn() throws Exception {
		Map<String, String> settings = Map.of("seed", "42", "transientRate", "0.2", "failureRate", "0.3", "rebootRate",
				"0.5", "latencyJitter", "PT0.01S");
		List<Target> targets = targets(40);
		Map<String, InstallResult> inOrder = outcomesByTarget(connector(settings), targets);
		Map<String, InstallResult> reversed = outcomesByTarget(connector(settings), targets.reversed());

		assertThat(reversed).isEqualTo(inOrder);
		assertThat(inOrder.values()).extracting(InstallResult::exitCode).contains(0, 1603, 1618, 3010);
	}

	@Test
	void countsTheInstallsRunningAtTheSameTime() throws Exception {
		SimulatorConnector connector = connector(Map.of("installLatency", "PT1S"));
		installAll(connector, targets(50));
		assertThat(connector.maxInFlight()).isEqualTo(50);
		assertThat(connector.inFlight()).isZero();
		assertThat(connector.totalInstalls()).isEqualTo(50);
	}

	@Test
	void runsThousandsOfConcurrentInstallsOnAFewThreads() throws Exception {
		// Its own name, so threads of connectors that other tests closed are not counted.
		// A
		// latency thousands of times what submitting takes, so all are in flight at once
		// even on a loaded machine.
		SimulatorConnector connector = connector("fleet", Map.of("installLatency", "PT5S"));
		assertThat(installAll(connector, targets(5000)))
			.allSatisfy(result -> assertThat(result.cause()).isEqualTo(ResultCause.SUCCEEDED));
		assertThat(connector.maxInFlight()).isEqualTo(5000);
		assertThat(Thread.getAllStackTraces().keySet())
			.filteredOn(thread -> thread.getName().startsWith("simulator-fleet-"))
			.hasSizeLessThanOrEqualTo(Runtime.getRuntime().availableProcessors());
	}

	@Test
	void aClosedConnectorFinishesStartedInstallsAndTurnsNewOnesAway() throws Exception {
		SimulatorConnector connector = connector(Map.of("installLatency", "PT0.3S"));
		CompletionStage<InstallResult> started = connector.install(request("k1", target("web-01")));
		connector.close();

		InstallResult refused = await(connector.install(request("k2", target("web-02"))));
		assertThat(refused.cause()).isEqualTo(ResultCause.INFRASTRUCTURE_ERROR);
		assertThat(connector.installCount("web-02")).isZero();
		assertThat(await(started).cause()).isEqualTo(ResultCause.SUCCEEDED);
		assertThat(connector.totalInstalls()).isOne();
	}

	@Test
	void statusAnswersTheOutcomeOfAKnownKeyAndNothingForAnUnknownOne() throws Exception {
		SimulatorConnector connector = connector(Map.of("installLatency", "PT0.05S"));
		InstallResult installed = await(connector.install(request("k1", target("web-01"))));

		assertThat(connector.status(request("k1", target("web-01"))).toCompletableFuture().get(10, TimeUnit.SECONDS))
			.isEqualTo(CallStatus.finished(installed));
		assertThat(connector.status(request("never-sent", target("web-01")))
			.toCompletableFuture()
			.get(10, TimeUnit.SECONDS)).isEqualTo(CallStatus.neverSeen());
	}

	@Test
	void anOutageAnswersInfrastructureErrorsReportsDownAndRecordsNothing() throws Exception {
		SimulatorConnector connector = connector(Map.of("installLatency", "PT0.05S"));
		connector.startOutage();

		InstallResult refused = await(connector.install(request("k1", target("web-01"))));

		assertThat(refused.cause()).isEqualTo(ResultCause.INFRASTRUCTURE_ERROR);
		assertThat(connector.health().isDown()).isTrue();
		assertThat(connector.installCount("web-01")).isZero();
		connector.endOutage();
		assertThat(connector.health().status()).isEqualTo(dev.patchwave.common.connector.ConnectorHealth.Status.UP);
		assertThat(await(connector.install(request("k1", target("web-01")))).cause()).isEqualTo(ResultCause.SUCCEEDED);
		assertThat(connector.installCount("web-01")).isOne();
	}

	@Test
	void reportsTheInstalledVersionAndRollsBackToThePreviousOne() throws Exception {
		SimulatorConnector connector = connector(Map.of("installLatency", "PT0.01S"));
		Target target = target("web-01");
		await(connector.install(request("k1", target)));
		assertThat(connector.installedVersion(target, PATCH).toCompletableFuture().get(10, TimeUnit.SECONDS))
			.isEqualTo(PATCH.fixedVersion());

		InstallResult rolledBack = await(connector.rollback(request("r1", target)));

		assertThat(rolledBack.cause()).isEqualTo(ResultCause.SUCCEEDED);
		assertThat(connector.installedVersion(target, PATCH).toCompletableFuture().get(10, TimeUnit.SECONDS))
			.isEqualTo(INSTALLED);
	}

	@Test
	void recordFileKeepsFinishedInstallsAcrossARestartSoAKnownKeyNeverInstallsAgain() throws Exception {
		Map<String, String> settings = Map.of("recordFile", this.dir.resolve("installs.jsonl").toString());
		SimulatorConnector before = connector(settings);
		InstallResult ok = await(before.install(request("k1", target("web-01"))));
		InstallResult failed = await(before.install(request("k2", target("web-02", Map.of("simulate", "fail")))));
		before.close();

		SimulatorConnector after = connector(settings);

		assertThat(await(after.install(request("k1", target("web-01"))))).isEqualTo(ok);
		assertThat(after.status(request("k2", target("web-02"))).toCompletableFuture().join())
			.isEqualTo(CallStatus.finished(failed));
		assertThat(after.status(request("k3", target("web-03"))).toCompletableFuture().join())
			.isEqualTo(CallStatus.neverSeen());
		assertThat(after.installCount("web-01")).isOne();
		assertThat(after.totalInstalls()).isEqualTo(2);
		assertThat(after.installedVersion(target("web-01"), PATCH).toCompletableFuture().join())
			.isEqualTo(PATCH.fixedVersion());
		assertThat(lines("installs.jsonl")).hasSize(4);
	}

	@Test
	void installStartedWhenTheJvmDiedIsFinishedOnRestartAsTheSimulatedFleetWouldHave() throws Exception {
		Path file = this.dir.resolve("crash.jsonl");
		Map<String, String> settings = Map.of("recordFile", file.toString(), "failureRate", "1", "seed", "7");
		// Never finishes in this test: the record is all a killed JVM leaves.
		connector(Map.of("recordFile", file.toString(), "failureRate", "1", "seed", "7", "installLatency", "PT1H"))
			.install(request("k1", target("web-01")));
		assertThat(lines("crash.jsonl")).singleElement().asString().contains("\"event\":\"started\"");

		SimulatorConnector restarted = connector(settings);

		CallStatus status = restarted.status(request("k1", target("web-01"))).toCompletableFuture().join();
		assertThat(status).isEqualTo(CallStatus.finished(
				new InstallResult(ResultCause.FATAL_TARGET_ERROR, 1603, "fatal error during installation", INSTALLED)));
		assertThat(await(restarted.install(request("k1", target("web-01")))).exitCode()).isEqualTo(1603);
		assertThat(restarted.installCount("web-01")).isOne();
		assertThat(lines("crash.jsonl")).hasSize(2).last().asString().contains("\"event\":\"finished\"");
	}

	@Test
	void recordCutShortByAKillIsReadUpToItsLastWholeLine() throws Exception {
		Path file = this.dir.resolve("torn.jsonl");
		Map<String, String> settings = Map.of("recordFile", file.toString());
		InstallResult ok = await(connector(settings).install(request("k1", target("web-01"))));
		Files.writeString(file, "{\"event\":\"started\",\"key\":\"k2", StandardOpenOption.APPEND);

		SimulatorConnector restarted = connector(settings);
		InstallResult second = await(restarted.install(request("k2", target("web-02"))));

		assertThat(await(restarted.install(request("k1", target("web-01"))))).isEqualTo(ok);
		assertThat(second.cause()).isEqualTo(ResultCause.SUCCEEDED);
		assertThat(restarted.installCount("web-02")).isOne();
		assertThat(connector(settings).status(request("k2", target("web-02"))).toCompletableFuture().join())
			.isEqualTo(CallStatus.finished(second));
	}

	private List<String> lines(String file) throws Exception {
		return Files.readAllLines(this.dir.resolve(file)).stream().filter(line -> !line.isBlank()).toList();
	}

	private SimulatorConnector connector(Map<String, String> settings) {
		return connector("lab", settings);
	}

	private SimulatorConnector connector(String name, Map<String, String> settings) {
		Map<String, String> withLatency = new HashMap<>(Map.of("installLatency", "PT0S"));
		withLatency.putAll(settings);
		SimulatorConnector connector = new SimulatorConnectorFactory()
			.create(new ConnectorConfig(name, "simulator", withLatency));
		this.connectors.add(connector);
		return connector;
	}

	private static Target target(String name) {
		return target(name, Map.of());
	}

	private static Target target(String name, Map<String, String> labels) {
		return new Target(name.hashCode(), name, name + ".example.test", labels, "lab", INSTALLED);
	}

	private static List<Target> targets(int count) {
		return IntStream.rangeClosed(1, count).mapToObj(i -> target("host-%04d".formatted(i))).toList();
	}

	private static InstallRequest request(String idempotencyKey, Target target) {
		return new InstallRequest(idempotencyKey, target, PATCH);
	}

	/**
	 * Installs on every target at once, each with its own key, and waits for them all.
	 */
	private static List<InstallResult> installAll(SimulatorConnector connector, List<Target> targets) throws Exception {
		List<CompletableFuture<InstallResult>> results = new ArrayList<>();
		for (int i = 0; i < targets.size(); i++) {
			results.add(connector.install(request("key-" + i, targets.get(i))).toCompletableFuture());
		}
		CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
			.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		return results.stream().map(CompletableFuture::join).toList();
	}

	private static Map<String, InstallResult> outcomesByTarget(SimulatorConnector connector, List<Target> targets)
			throws Exception {
		List<InstallResult> results = installAll(connector, targets);
		Map<String, InstallResult> byTarget = new HashMap<>();
		for (int i = 0; i < targets.size(); i++) {
			byTarget.put(targets.get(i).name(), results.get(i));
		}
		return byTarget;
	}

	/**
	 * Sends the request from as many threads at once, once the gate opens, and returns
	 * when all were sent.
	 */
	private static List<CompletionStage<InstallResult>> repeatAtOnce(SimulatorConnector connector,
			InstallRequest request, int threads, CountDownLatch gate) throws InterruptedException {
		CountDownLatch go = new CountDownLatch(1);
		List<CompletionStage<InstallResult>> stages = new CopyOnWriteArrayList<>();
		List<Thread> senders = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			senders.add(Thread.ofVirtual().start(() -> {
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
		gate.await();
		go.countDown();
		for (Thread sender : senders) {
			sender.join();
		}
		assertThat(stages).hasSize(threads);
		return stages;
	}

	private static InstallResult await(CompletionStage<InstallResult> stage) throws Exception {
		return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

}
