package dev.patchwave.connectors.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwave.common.connector.CallStatus;
import dev.patchwave.common.connector.ConnectorCheck;
import dev.patchwave.common.connector.ConnectorConfig;
import dev.patchwave.common.connector.ConnectorHealth;
import dev.patchwave.common.connector.InstallRequest;
import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.patch.InstallSteps;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.patch.Version;
import dev.patchwave.common.target.Target;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SSH connector against a real OpenSSH server and a scripted installer. */
class SshConnectorTest {

	@RegisterExtension
	static final SshdHosts hosts = new SshdHosts(3);

	private static final Version FIXED = Version.parse("2.0.0");

	/**
	 * The catalog says what the fake installer's exit codes mean; the overrides say how
	 * to run it.
	 */
	private static final Patch PATCH = patch("P1", new InstallSteps(null, null, null,
			Map.of(100, ResultCause.SUCCEEDED_REBOOT_PENDING, 75, ResultCause.TRANSIENT_TARGET_ERROR)));

	private static final AtomicLong ids = new AtomicLong();

	private final List<SshConnector> connectors = new ArrayList<>();

	@AfterEach
	void closeConnectors() {
		this.connectors.forEach(SshConnector::close);
	}

	@Test
	void installsOffTheCallersThreadAndReportsTheVerifiedVersion() throws Exception {
		CompletionStage<InstallResult> stage = connector().install(request("success", target("web-1", 0, "ok")));

		assertThat(stage.toCompletableFuture().isDone()).isFalse();
		InstallResult result = await(stage);
		assertThat(result.cause()).isEqualTo(ResultCause.SUCCEEDED);
		assertThat(result.exitCode()).isZero();
		assertThat(result.installedVersion()).isEqualTo(FIXED);
		assertThat(result.message()).contains("installed 2.0.0 on web-1").contains("reports version 2.0.0");
		assertThat(hosts.version("web-1")).isEqualTo("2.0.0");
	}

	@Test
	void failingInstallerIsAFatalTargetErrorWithItsExitCodeAndOutput() throws Exception {
		InstallResult result = await(connector().install(request("fail", target("web-2", 1, "fail"))));

		assertThat(result.cause()).isEqualTo(ResultCause.FATAL_TARGET_ERROR);
		assertThat(result.exitCode()).isEqualTo(1);
		assertThat(result.message()).contains("exit code 1").contains("error: not enough disk space for 2.0.0");
		assertThat(result.installedVersion()).isNull();
	}

	@Test
	void exitCodesMappedByThePatchStepsDecideTheCause() throws Exception {
		SshConnector connector = connector();

		InstallResult reboot = await(connector.install(request("reboot", target("web-3", 0, "reboot"))));
		InstallResult busy = await(connector.install(request("busy", target("web-4", 1, "busy"))));

		assertThat(reboot.cause()).isEqualTo(ResultCause.SUCCEEDED_REBOOT_PENDING);
		assertThat(reboot.exitCode()).isEqualTo(100);
		assertThat(reboot.installedVersion()).isEqualTo(FIXED);
		assertThat(busy.cause()).isEqualTo(ResultCause.TRANSIENT_TARGET_ERROR);
		assertThat(busy.message()).contains("another installation is running");
	}

	@Test
	void installerStillRunningAfterTheCommandTimeoutIsFatalAndKeepsRunningOnTheTarget() throws Exception {
		SshConnector connector = connector(Map.of("commandTimeout", "PT2S"));
		InstallRequest request = request("hang", target("web-5", 2, "hang"));

		InstallResult result = await(connector.install(request));

		assertThat(result.cause()).isEqualTo(ResultCause.FATAL_TARGET_ERROR);
		assertThat(result.message()).startsWith("no result within PT2S")
			.contains("still runs on the target; it was not stopped");
		assertThat(await(connector.status(request))).isEqualTo(CallStatus.running());
	}

	@Test
	void installerRunsOnWhenItsConnectorClosesAndANewConnectorJoinsItInsteadOfInstallingAgain() throws Exception {
		Target target = target("crash-1", 1, "wait");
		InstallRequest request = request("crash", target);
		SshConnector first = connector();
		CompletionStage<InstallResult> cut = first.install(request);
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> hosts.waiting("crash-1"));
		assertThat(hosts.claim(request.idempotencyKey())).isSymbolicLink();
		assertThat(hosts.result(request.idempotencyKey())).doesNotExist();

		// Closing drops every connection, as the kernel does for a controller killed with
		// -9.
		first.close();

		InstallResult closed = await(cut);
		assertThat(closed.cause()).isEqualTo(ResultCause.INFRASTRUCTURE_ERROR);
		assertThat(closed.message()).startsWith("the ssh connector closed while the command ran");
		SshConnector second = connector();
		assertThat(await(second.status(request))).isEqualTo(CallStatus.running());
		long commands = hosts.commandsStarted();
		CompletionStage<InstallResult> resent = second.install(request);
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> hosts.commandsStarted() == commands + 1);
		hosts.release("crash-1", 1);
		InstallResult result = await(resent);
		assertThat(result.cause()).isEqualTo(ResultCause.FATAL_TARGET_ERROR);
		assertThat(result.exitCode()).isEqualTo(1);
		assertThat(result.message()).contains("joined the run already under way under this key", "released crash-1");
		InstallResult third = await(connector().install(request));
		assertThat(third.exitCode()).isEqualTo(1);
		assertThat(third.message()).contains("ran before under this key, exit code 1");
		assertThat(await(second.status(request)))
			.asInstanceOf(InstanceOfAssertFactories.type(CallStatus.Finished.class))
			.extracting(finished -> finished.result().exitCode())
			.isEqualTo(1);
		assertThat(hosts.runs("crash-1")).isOne();
	}

	@Test
	void droppedConnectionIsAskedAgainAndARebootExitCodeReadAfterwardsIsASuccessWithRebootPending() throws Exception {
		Target target = target("reboot-1", 2, "wait");
		SshConnector connector = connector();
		CompletionStage<InstallResult> stage = connector.install(request("reboot-drop", target));
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> hosts.waiting("reboot-1"));

		long commands = hosts.commandsStarted();

		// An installer that reboots the host takes the connection down with it.
		hosts.dropConnections();
		hosts.release("reboot-1", 100);

		InstallResult result = await(stage);
		assertThat(result.cause()).as(result.message()).isEqualTo(ResultCause.SUCCEEDED_REBOOT_PENDING);
		assertThat(result.exitCode()).isEqualTo(100);
		assertThat(result.installedVersion()).isEqualTo(FIXED);
		assertThat(hosts.runs("reboot-1")).isOne();
		// The answer came from asking the target again over a new connection.
		assertThat(hosts.commandsStarted()).isEqualTo(commands + 1);
	}

	@Test
	void commandTimeoutOnAStalledExecAsksTheTargetAndAnswersTheRealOutcome() throws Exception {
		Target target = target("stall-1", 0, "wait");
		InstallRequest request = request("stall", target);
		SshConnector connector = connector(Map.of("commandTimeout", "PT5S"));
		CompletionStage<InstallResult> stage = connector.install(request);
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> hosts.waiting("stall-1"));

		hosts.stall(request.idempotencyKey());
		hosts.release("stall-1", 0);
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> Files.exists(hosts.result(request.idempotencyKey())));

		InstallResult result = await(stage);
		assertThat(result.cause()).isEqualTo(ResultCause.SUCCEEDED);
		assertThat(result.installedVersion()).isEqualTo(FIXED);
		assertThat(hosts.runs("stall-1")).isOne();
	}

	@Test
	void installWhoseProcessIsGoneWithoutAnExitCodeIsAnInterruptedTargetFailureAndNeverRunsAgain() throws Exception {
		Target target = target("interrupted-1", 1, "wait");
		InstallRequest request = request("interrupted", target);
		CompletionStage<InstallResult> stage = connector().install(request);
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> hosts.waiting("interrupted-1"));

		hosts.killStep(request.idempotencyKey());

		InstallResult result = await(stage);
		assertThat(result.cause()).isEqualTo(ResultCause.FATAL_TARGET_ERROR);
		assertThat(result.message()).contains("was interrupted", "not run again");
		SshConnector afterRestart = connector();
		assertThat(await(afterRestart.status(request))).isEqualTo(CallStatus.finished(result));
		assertThat(await(afterRestart.install(request))).isEqualTo(result);
		assertThat(hosts.runs("interrupted-1")).isOne();
	}

	@Test
	void installAndVerifyTakeOneCommandPerTargetAndStatusOne() throws Exception {
		SshConnector connector = connector();
		List<InstallRequest> requests = IntStream.range(0, 6)
			.mapToObj(i -> request("one-exec-" + i, target("one-exec-" + i, i % 3, "ok")))
			.toList();
		long before = hosts.commandsStarted();

		List<CompletionStage<InstallResult>> stages = requests.stream().map(connector::install).toList();
		for (CompletionStage<InstallResult> stage : stages) {
			assertThat(await(stage).installedVersion()).isEqualTo(FIXED);
		}
		long installs = hosts.commandsStarted() - before;
		assertThat(await(connector.status(requests.get(0)))).isInstanceOf(CallStatus.Finished.class);

		assertThat(installs).isEqualTo(6);
		assertThat(hosts.commandsStarted() - before).isEqualTo(7);
	}

	@Test
	void installStatusAndRollbackOfAHostShareOneLogin() throws Exception {
		SshConnector connector = connector();
		long before = hosts.loginsAccepted();

		for (int host = 0; host < 3; host++) {
			InstallRequest request = request("one-login-" + host, target("one-login-" + host, host, "ok"));
			assertThat(await(connector.install(request)).cause()).isEqualTo(ResultCause.SUCCEEDED);
			assertThat(await(connector.status(request))).isInstanceOf(CallStatus.Finished.class);
			assertThat(await(connector.rollback(request)).cause()).isEqualTo(ResultCause.SUCCEEDED);
		}

		assertThat(hosts.loginsAccepted() - before).isEqualTo(3);
	}

	@Test
	void targetsPreparedAheadAreLoggedInToBeforeTheirInstallsWhichThenLogInNoMore() throws Exception {
		SshConnector connector = connector();
		Target first = target("ahead-1", 0, "ok");
		Target second = target("ahead-2", 1, "ok");
		Target down = new Target(ids.incrementAndGet(), "ahead-down", hosts.deadAddress(), Map.of("behaviour", "ok"),
				"fleet", null);
		long logins = hosts.loginsAccepted();
		long commands = hosts.commandsStarted();

		connector.prepare(List.of(first, down, second));

		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> hosts.loginsAccepted() == logins + 2);
		assertThat(hosts.commandsStarted()).isEqualTo(commands);
		assertThat(hosts.runs("ahead-1")).isZero();
		assertThat(await(connector.install(request("ahead-1", first))).cause()).isEqualTo(ResultCause.SUCCEEDED);
		assertThat(await(connector.install(request("ahead-2", second))).cause()).isEqualTo(ResultCause.SUCCEEDED);
		assertThat(hosts.loginsAccepted()).isEqualTo(logins + 2);
		assertThat(connector.health().status()).isEqualTo(ConnectorHealth.Status.UP);
	}

	@Test
	void loginsAheadWaitWhileAnInstallWaitsForItsLogin() throws Exception {
		SshConnector connector = connector(Map.of("connectTimeout", "PT2S"));
		CountDownLatch accepted = new CountDownLatch(1);
		try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			Thread.ofVirtual().start(() -> {
				try (Socket held = silent.accept()) {
					accepted.countDown();
					// Says nothing until the client gives up and closes.
					held.getInputStream().transferTo(OutputStream.nullOutputStream());
				}
				catch (IOException ex) {
					accepted.countDown();
				}
			});
			Target mute = new Target(ids.incrementAndGet(), "mute", "127.0.0.1:" + silent.getLocalPort(),
					Map.of("behaviour", "ok"), "fleet", null);
			long logins = hosts.loginsAccepted();
			CompletableFuture<Long> loginsWhenTheInstallFailed = connector.install(request("mute", mute))
				.thenApply(result -> loginsAccepted())
				.toCompletableFuture();
			assertThat(accepted.await(10, TimeUnit.SECONDS)).isTrue();

			connector.prepare(List.of(target("ahead-later", 2, "ok")));

			assertThat(loginsWhenTheInstallFailed.get(30, TimeUnit.SECONDS)).isEqualTo(logins);
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> hosts.loginsAccepted() == logins + 1);
		}
	}

	@Test
	void rollbackRunsOncePerRollbackKeyEvenThroughANewConnector() throws Exception {
		Target target = target("web-19", 2, "ok");
		hosts.setVersion("web-19", "1.5.0");
		assertThat(await(connector().install(request("before-rollback-once", target))).cause())
			.isEqualTo(ResultCause.SUCCEEDED);
		InstallRequest rollback = request("rollback-once", target);

		InstallResult first = await(connector().rollback(rollback));
		InstallResult again = await(connector().rollback(rollback));

		assertThat(first.installedVersion()).isEqualTo(Version.parse("1.5.0"));
		assertThat(again.cause()).isEqualTo(ResultCause.SUCCEEDED);
		assertThat(again.installedVersion()).isEqualTo(Version.parse("1.5.0"));
		assertThat(again.message()).contains("ran before under this key");
		assertThat(hosts.rollbacks("web-19")).isOne();
	}

	@Test
	void refusesAHostWhoseKeyIsNotTheKnownOneWithoutRunningAnything() throws Exception {
		SshConnector connector = connector(Map.of("knownHosts", hosts.untrustedKnownHosts()));

		InstallResult result = await(connector.install(request("impostor", target("web-6", 0, "ok"))));

		assertThat(result.cause()).isEqualTo(ResultCause.FATAL_TARGET_ERROR);
		assertThat(result.message()).startsWith("host key of " + hosts.address(0) + " is not trusted: refused");
		assertThat(hosts.runs("web-6")).isZero();
		assertThat(hosts.version("web-6")).isNull();
		assertThat(connector.health().status()).isEqualTo(ConnectorHealth.Status.UP);
	}

	@Test
	void trustOnFirstUseAcceptsHostsWithoutKnownHosts() throws Exception {
		Map<String, String> settings = new HashMap<>(Map.of("hostKeyPolicy", "trust-on-first-use"));
		settings.put("knownHosts", "");

		InstallResult result = await(connector(settings).install(request("tofu", target("web-7", 1, "ok"))));

		assertThat(result.cause()).isEqualTo(ResultCause.SUCCEEDED);
		assertThat(hosts.runs("web-7")).isOne();
	}

	@Test
	void hostThatIsDownIsTheTargetsFailureNotTheConnectors() throws Exception {
		SshConnector connector = connector();
		Target down = new Target(ids.incrementAndGet(), "web-8", hosts.deadAddress(), Map.of("behaviour", "ok"),
				"fleet", null);

		InstallResult result = await(connector.install(request("down", down)));

		assertThat(result.cause()).isEqualTo(ResultCause.UNREACHABLE_TARGET);
		assertThat(result.message()).startsWith("cannot reach " + hosts.deadAddress());
		assertThat(connector.health().status()).isEqualTo(ConnectorHealth.Status.UP);
	}

	@Test
	void rejectedCredentialsAreTheConnectorsFailureAndStatusCannotTell() throws Exception {
		SshConnector connector = connector(Map.of("privateKey", hosts.strangerPrivateKey()));
		String key = hosts.key("stranger");

		InstallResult result = await(connector.install(new InstallRequest(key, target("web-9", 0, "ok"), PATCH)));

		assertThat(result.cause()).isEqualTo(ResultCause.INFRASTRUCTURE_ERROR);
		assertThat(result.message()).contains("authentication rejected");
		assertThat(connector.status(new InstallRequest(key, target("web-9", 0, "ok"), PATCH)).toCompletableFuture())
			.failsWithin(Duration.ofSeconds(30))
			.withThrowableOfType(ExecutionException.class)
			.withMessageContaining("authentication rejected");
		assertThat(connector.health().status()).isNotEqualTo(ConnectorHealth.Status.UP);
		assertThat(hosts.runs("web-9")).isZero();
	}

	@Test
	void repeatedKeyInstallsOnceEvenThroughANewConnector() throws Exception {
		Target target = target("web-10", 1, "ok");
		InstallRequest request = request("repeated", target);
		SshConnector first = connector();

		CompletionStage<InstallResult> original = first.install(request);
		CompletionStage<InstallResult> repeated = first.install(request);

		assertThat(await(repeated)).isEqualTo(await(original));
		assertThat(await(first.status(request))).isEqualTo(CallStatus.finished(await(original)));
		assertThat(await(first.status(new InstallRequest(hosts.key("never-sent"), target, PATCH))))
			.isEqualTo(CallStatus.neverSeen());
		InstallResult afterRestart = await(connector().install(request));
		assertThat(afterRestart.cause()).isEqualTo(ResultCause.SUCCEEDED);
		assertThat(afterRestart.message()).contains("ran before under this key, exit code 0");
		assertThat(await(connector().status(request))).isEqualTo(CallStatus.finished(await(original)));
		assertThat(hosts.runs("web-10")).isOne();
		await(connector().install(request("another-attempt", target)));
		assertThat(hosts.runs("web-10")).isEqualTo(2);
	}

	@Test
	void aFinishedInstallIsNotKeptInMemoryAndItsKeyIsAnsweredByTheHostWithoutRunningAgain() throws Exception {
		Target target = target("web-41", 1, "ok");
		InstallRequest request = request("forgotten", target);
		SshConnector connector = connector();
		InstallResult first = await(connector.install(request));

		InstallResult again = await(connector.install(request));

		assertThat(first.cause()).isEqualTo(ResultCause.SUCCEEDED);
		assertThat(again.cause()).isEqualTo(ResultCause.SUCCEEDED);
		assertThat(again.installedVersion()).isEqualTo(first.installedVersion());
		assertThat(again.message()).contains("ran before under this key, exit code 0");
		assertThat(hosts.runs("web-41")).isOne();
	}

	@Test
	void labelValuesCannotInjectCommands() throws Exception {
		Path pwned = Path.of("/tmp/pwned-" + UUID.randomUUID());
		String malicious = "x'; touch " + pwned + "; '";

		InstallResult result = await(connector().install(request("inject", target("web-11", 2, malicious))));

		assertThat(pwned).doesNotExist();
		assertThat(result.cause()).isEqualTo(ResultCause.FATAL_TARGET_ERROR);
		assertThat(result.message()).contains("unknown behaviour: " + malicious);
	}

	@Test
	void versionBelowTheFixedVersionIsAVersionCheckMismatch() throws Exception {
		hosts.setVersion("web-12", "1.0.0");

		InstallResult result = await(connector().install(request("stale", target("web-12", 0, "stale"))));

		assertThat(result.cause()).isEqualTo(ResultCause.FATAL_TARGET_ERROR);
		assertThat(result.message()).startsWith("version check mismatch: reports 1.0.0, expected at least 2.0.0");
		assertThat(result.installedVersion()).isEqualTo(Version.parse("1.0.0"));
	}

	@Test
	void rollbackReturnsTheTargetToTheVersionItRanBefore() throws Exception {
		SshConnector connector = connector();
		Target target = target("web-13", 1, "ok");
		hosts.setVersion("web-13", "1.5.0");
		assertThat(await(connector.install(request("before-rollback", target))).installedVersion()).isEqualTo(FIXED);

		InstallResult result = await(connector.rollback(request("rollback", target)));

		assertThat(result.cause()).isEqualTo(ResultCause.SUCCEEDED);
		assertThat(result.installedVersion()).isEqualTo(Version.parse("1.5.0"));
		assertThat(result.message()).contains("patch removed").contains("rolled back web-13");
		assertThat(await(connector.installedVersion(target, PATCH))).isEqualTo(Version.parse("1.5.0"));
	}

	@Test
	void redactsThePassphraseAndAssignedSecretsFromTheOutput() throws Exception {
		Map<String, String> settings = Map.of("privateKey", hosts.encryptedPrivateKey(), "privateKeyPassphrase",
				SshdHosts.PASSPHRASE, "install.P1",
				hosts.installer() + " {{label.behaviour}} {{target.name}} {{patch.fixedVersion}} {{label.said}}");
		Target target = new Target(ids.incrementAndGet(), "web-14", hosts.address(2),
				Map.of("behaviour", "leak", "said", "my passphrase is " + SshdHosts.PASSPHRASE), "fleet", null);

		InstallResult result = await(connector(settings).install(request("leak", target)));

		assertThat(result.cause()).isEqualTo(ResultCause.SUCCEEDED);
		assertThat(result.message()).contains("token=[redacted]", "said: my passphrase is [redacted]")
			.doesNotContain("abc123")
			.doesNotContain(SshdHosts.PASSPHRASE);
	}

	@Test
	void runsAtMostMaxSessionsCommandsAtOnce() throws Exception {
		SshConnector connector = connector(Map.of("maxSessions", "2"));

		List<CompletionStage<InstallResult>> stages = IntStream.range(0, 6)
			.mapToObj(i -> connector.install(request("slow-" + i, target("slow-" + i, i % 3, "slow"))))
			.toList();

		for (CompletionStage<InstallResult> stage : stages) {
			assertThat(await(stage).cause()).isEqualTo(ResultCause.SUCCEEDED);
		}
		assertThat(hosts.maxConcurrentSlowInstalls()).isEqualTo(2);
	}

	@Test
	void runsTheCatalogStepsWhenNoOverrideIsSet() throws Exception {
		Patch patch = patch("P4", new InstallSteps(hosts.installer() + " ok {{target.name}} {{patch.fixedVersion}}",
				hosts.verifier() + " {{target.name}}", null, Map.of()));

		InstallResult result = await(
				connector().install(new InstallRequest(hosts.key("catalog"), target("web-15", 0, "ignored"), patch)));

		assertThat(result.cause()).isEqualTo(ResultCause.SUCCEEDED);
		assertThat(result.installedVersion()).isEqualTo(FIXED);
	}

	@Test
	void patchWithoutSshStepsFailsSayingHowToAddThem() throws Exception {
		Patch patch = patch("P2", null);

		InstallResult result = await(
				connector().install(new InstallRequest(hosts.key("no-steps"), target("web-16", 0, "ok"), patch)));

		assertThat(result.cause()).isEqualTo(ResultCause.FATAL_TARGET_ERROR);
		assertThat(result.message()).contains("patch P2 has no ssh install step", "install.P2");
		assertThat(hosts.runs("web-16")).isZero();
	}

	@Test
	void unknownVariableInCatalogStepsFailsTheInstallAndShowsInTest() throws Exception {
		SshConnector connector = connector();
		Patch patch = patch("P3", new InstallSteps("install {{target.nmae}}", null, null, Map.of()));

		InstallResult result = await(
				connector.install(new InstallRequest(hosts.key("typo"), target("web-17", 0, "ok"), patch)));

		assertThat(result.cause()).isEqualTo(ResultCause.FATAL_TARGET_ERROR);
		assertThat(result.message()).contains("patch P3", "{{target.nmae}}");
		assertThat(await(connector.test())).filteredOn(check -> !check.ok())
			.extracting(ConnectorCheck::detail)
			.singleElement()
			.asString()
			.contains("{{target.nmae}}");
	}

	@Test
	void testLogsInToTheTestHost() throws Exception {
		List<ConnectorCheck> trusted = await(connector(Map.of("testHost", hosts.address(1))).test());
		List<ConnectorCheck> stranger = await(
				connector(Map.of("testHost", hosts.address(1), "privateKey", hosts.strangerPrivateKey())).test());

		assertThat(trusted).extracting(ConnectorCheck::name)
			.containsExactly("private key", "command templates", "login");
		assertThat(trusted).allMatch(ConnectorCheck::ok);
		assertThat(stranger).filteredOn(check -> !check.ok())
			.extracting(ConnectorCheck::detail)
			.singleElement()
			.asString()
			.contains("could not log in to " + hosts.address(1), "authentication rejected");
	}

	private SshConnector connector() {
		return connector(Map.of());
	}

	private static long loginsAccepted() {
		try {
			return hosts.loginsAccepted();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private SshConnector connector(Map<String, String> overrides) {
		Map<String, String> settings = new HashMap<>();
		settings.put("user", hosts.user());
		settings.put("privateKey", hosts.privateKey());
		settings.put("knownHosts", hosts.knownHosts());
		settings.put("connectTimeout", "PT5S");
		settings.put("install.P1", hosts.installer() + " {{label.behaviour}} {{target.name}} {{patch.fixedVersion}}");
		settings.put("verify.P1", hosts.verifier() + " {{target.name}}");
		settings.put("rollback.P1", hosts.rollbacker() + " {{target.name}}");
		settings.putAll(overrides);
		SshConnector connector = new SshConnectorFactory().create(new ConnectorConfig("fleet", "ssh", settings));
		this.connectors.add(connector);
		return connector;
	}

	private static Target target(String name, int host, String behaviour) {
		return new Target(ids.incrementAndGet(), name, hosts.address(host), Map.of("behaviour", behaviour), "fleet",
				null);
	}

	private static InstallRequest request(String key, Target target) {
		return new InstallRequest(hosts.key(key), target, PATCH);
	}

	private static Patch patch(String id, InstallSteps steps) {
		return new Patch(id, "Acme", "Widget", "Widget " + FIXED, "linux", FIXED, LocalDate.of(2025, 1, 1), List.of(),
				(steps != null) ? Map.of("ssh", steps) : Map.of());
	}

	private static <T> T await(CompletionStage<T> stage) throws Exception {
		return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
	}

}
