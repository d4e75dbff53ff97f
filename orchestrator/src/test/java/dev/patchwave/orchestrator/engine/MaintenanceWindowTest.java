package dev.patchwave.orchestrator.engine;

import static dev.patchwave.orchestrator.testsupport.Fleet.wave;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.wave.WaveState;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.event.RolloutEvent;
import dev.patchwave.orchestrator.rollout.DeploymentView;
import dev.patchwave.orchestrator.rollout.RolloutRequest;
import dev.patchwave.orchestrator.rollout.RolloutService;
import dev.patchwave.orchestrator.rollout.RolloutView;
import dev.patchwave.orchestrator.target.TargetService;
import dev.patchwave.orchestrator.testsupport.Fleet;
import dev.patchwave.orchestrator.testsupport.PostgresTest;
import dev.patchwave.orchestrator.testsupport.ScriptedConnector;
import dev.patchwave.orchestrator.testsupport.ScriptedConnectorFactory;
import dev.patchwave.orchestrator.window.TargetCalendar;
import dev.patchwave.orchestrator.window.WindowKind;
import dev.patchwave.orchestrator.window.WindowRequest;
import dev.patchwave.orchestrator.window.WindowService;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Dispatch inside maintenance windows and out of blackouts, through the engine. Windows
 * open a few seconds after a test begins (Quartz cron has seconds); the tests' heartbeat
 * runs five times a second, so an opening is noticed at once, and installs are estimated
 * at a second until one is observed.
 */
@SpringBootTest
@PostgresTest
class MaintenanceWindowTest {

	private static final Duration PATIENCE = Duration.ofSeconds(40);

	@Autowired
	RolloutService rollouts;

	@Autowired
	WindowService windows;

	@Autowired
	ConnectorInstances connectors;

	@Autowired
	TargetService targets;

	@Autowired
	ScriptedConnectorFactory scripted;

	@Test
	void aRolloutWaitsForItsWindowToOpenDispatchingNothingBeforeThenRuns() {
		Fleet fleet = fleet(Map.of("latencyMillis", "100")).withTargets(3);
		Instant opens = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(4);
		this.windows.create(window("open-soon-" + fleet.run(), dailyAt(opens), null, Duration.ofSeconds(20), null),
				"manager");
		RolloutView rollout = this.rollouts
			.create(withWindows(fleet.rollout(wave("all", "100%", 1, "0")), "open-soon-" + fleet.run()), "manager");

		RolloutView started = this.rollouts.start(rollout.id(), "operator");

		assertThat(started.state()).isEqualTo(RolloutState.RUNNING);
		assertThat(started.windows()).containsExactly("open-soon-" + fleet.run());
		assertThat(started.waitingForWindow()).singleElement().satisfies(wait -> {
			assertThat(wait.window()).isEqualTo("open-soon-" + fleet.run());
			assertThat(wait.reason()).isEqualTo(TargetCalendar.Reason.CLOSED);
			assertThat(wait.nextOpening()).isEqualTo(opens);
			assertThat(wait.targets()).isEqualTo(3);
		});
		awaitState(rollout.id(), RolloutState.SUCCEEDED);
		assertThat(this.rollouts.deployments(rollout.id(), null, 0, 10).items())
			.allSatisfy(d -> assertThat(d.dispatchedAt()).isAfterOrEqualTo(opens));
		assertThat(events(rollout.id(), "WINDOW_WAIT")).singleElement()
			.satisfies(event -> assertThat(event.message()).contains("open-soon-" + fleet.run(), opens.toString()));
	}

	@Test
	void aWindowClosingMidWaveStopsDispatchLetsInstallsInFlightFinishAndTheWaveGoesOnAtTheNextOpening() {
		Fleet fleet = fleet(Map.of("gated", "true")).withTargets(4);
		ScriptedConnector connector = this.scripted.connector(fleet.connector());
		Instant first = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3);
		Instant next = first.plusSeconds(10);
		this.windows.create(window("short-" + fleet.run(), null, first, Duration.ofSeconds(3), null), "manager");
		this.windows.create(window("next-" + fleet.run(), dailyAt(next), null, Duration.ofSeconds(30), null),
				"manager");
		RolloutView rollout = this.rollouts.create(
				withWindows(fleet.rollout(wave("all", "100%", 2, "0")), "short-" + fleet.run(), "next-" + fleet.run()),
				"manager");
		this.rollouts.start(rollout.id(), "operator");

		await().atMost(PATIENCE).until(() -> connector.held() == 2);
		await().atMost(PATIENCE).until(() -> Instant.now().isAfter(first.plusSeconds(3)));
		assertThat(connector.releaseAll()).isEqualTo(2);

		await().atMost(PATIENCE).until(() -> this.rollouts.get(rollout.id()).totals().succeeded() == 2);
		RolloutView between = this.rollouts.get(rollout.id());
		assertThat(Instant.now()).as("still between the openings").isBefore(next);
		assertThat(between.waves().get(0).state()).isEqualTo(WaveState.RUNNING);
		assertThat(between.totals().pending()).isEqualTo(2);
		assertThat(connector.installed()).hasSize(2);
		assertThat(between.waitingForWindow()).singleElement()
			.satisfies(wait -> assertThat(wait.nextOpening()).isEqualTo(next));

		await().atMost(PATIENCE).until(() -> connector.held() == 2);
		connector.releaseAll();
		awaitState(rollout.id(), RolloutState.SUCCEEDED);
		List<DeploymentView> later = this.rollouts.deployments(rollout.id(), null, 0, 10)
			.items()
			.stream()
			.filter(d -> d.dispatchedAt().isAfter(first.plusSeconds(3)))
			.toList();
		assertThat(later).hasSize(2).allSatisfy(d -> assertThat(d.dispatchedAt()).isAfterOrEqualTo(next));
	}

	@Test
	void aBlackoutForbidsDispatchToTheTargetsItConcernsWhileOthersGoOn() {
		Fleet fleet = fleet(Map.of("latencyMillis", "50")).withTargets(4,
				i -> i < 2 ? Map.of("site", "fra1") : Map.of("site", "ams1"));
		Instant thaw = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(6);
		this.windows.create(new WindowRequest("freeze-" + fleet.run(), WindowKind.BLACKOUT, null, Instant.now(),
				Duration.between(Instant.now(), thaw).truncatedTo(ChronoUnit.SECONDS), null,
				fleet.selector() + ",site=fra1"), "manager");
		Instant frozenUntil = this.windows.get("freeze-" + fleet.run()).opening().end();
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 4, "0")), "manager");

		this.rollouts.start(rollout.id(), "operator");

		await().atMost(PATIENCE).until(() -> this.rollouts.get(rollout.id()).totals().succeeded() == 2);
		RolloutView frozen = this.rollouts.get(rollout.id());
		assertThat(Instant.now()).as("the blackout still holds").isBefore(frozenUntil);
		assertThat(frozen.totals().pending()).isEqualTo(2);
		assertThat(frozen.waitingForWindow()).singleElement().satisfies(wait -> {
			assertThat(wait.window()).isEqualTo("freeze-" + fleet.run());
			assertThat(wait.reason()).isEqualTo(TargetCalendar.Reason.BLACKOUT);
			assertThat(wait.targets()).isEqualTo(2);
		});
		assertThat(this.scripted.connector(fleet.connector()).installed()).containsExactlyInAnyOrder(fleet.name(2),
				fleet.name(3));
		awaitState(rollout.id(), RolloutState.SUCCEEDED);
		assertThat(this.rollouts.deployments(rollout.id(), null, 0, 10).items())
			.filteredOn(d -> d.target().equals(fleet.name(0)) || d.target().equals(fleet.name(1)))
			.allSatisfy(d -> assertThat(d.dispatchedAt()).isAfterOrEqualTo(frozenUntil));
		assertThat(events(rollout.id(), "WINDOW_WAIT")).first()
			.satisfies(event -> assertThat(event.message()).contains("Blackout 'freeze-" + fleet.run()));
	}

	@Test
	void theCutoffStartsNoTargetWhoseObservedInstallTimeRunsPastTheWindowsEnd() {
		// installs through this connector are seen to take 3 s; the window is open for 2
		// s
		// of every 5
		Fleet fleet = fleet(Map.of("latencyMillis", "3000")).withTargets(2, i -> Map.of("batch", "history"));
		RolloutView history = this.rollouts.create(new RolloutRequest("history " + fleet.run(), Fleet.APEX_PATCH,
				fleet.selector() + ",batch=history", null, null, null, List.of(wave("all", "100%", 2, "0"))),
				"manager");
		this.rollouts.start(history.id(), "operator");
		awaitState(history.id(), RolloutState.SUCCEEDED);
		fleet.withTargets(2, 1, i -> Map.of("batch", "windowed"));
		this.windows.create(window("brief-" + fleet.run(), "0/5 * * * * ?", null, Duration.ofSeconds(2), null),
				"manager");
		RolloutView rollout = this.rollouts.create(new RolloutRequest("windowed " + fleet.run(), Fleet.APEX_PATCH,
				fleet.selector() + ",batch=windowed", null, null, null, List.of(wave("all", "100%", 1, "0")), null,
				List.of("brief-" + fleet.run()), null), "manager");

		this.rollouts.start(rollout.id(), "operator");

		await().atMost(PATIENCE)
			.until(() -> events(rollout.id(), "WINDOW_WAIT").stream()
				.anyMatch(event -> event.message().contains("closes before an install expected to take")));
		await().during(Duration.ofSeconds(6))
			.atMost(Duration.ofSeconds(8))
			.until(() -> this.rollouts.get(rollout.id()).totals().pending() == 1);
		assertThat(this.scripted.connector(fleet.connector()).installCount(fleet.name(2))).isZero();
		this.rollouts.abort(rollout.id(), "operator");
	}

	private Fleet fleet(Map<String, String> settings) {
		return new Fleet(this.connectors, this.targets).withConnector("scripted", settings);
	}

	/**
	 * A Quartz cron expression firing every day at the given instant's time of day, UTC.
	 */
	private static String dailyAt(Instant at) {
		ZonedDateTime utc = at.atZone(ZoneOffset.UTC);
		return "%d %d %d * * ?".formatted(utc.getSecond(), utc.getMinute(), utc.getHour());
	}

	private static WindowRequest window(String name, String cron, Instant startsAt, Duration duration,
			String selector) {
		return new WindowRequest(name, WindowKind.WINDOW, cron, startsAt, duration, "UTC", selector);
	}

	private static RolloutRequest withWindows(RolloutRequest request, String... windows) {
		return new RolloutRequest(request.name(), request.patchId(), request.selector(), request.advance(),
				request.bakeTime(), request.notBefore(), request.waves(), request.haltPolicy(), List.of(windows), null);
	}

	private RolloutView awaitState(long id, RolloutState state) {
		await().atMost(PATIENCE).until(() -> this.rollouts.get(id).state() == state);
		return this.rollouts.get(id);
	}

	private List<RolloutEvent> events(long id, String type) {
		return this.rollouts.events(id, 0, 10_000).stream().filter(event -> event.type().equals(type)).toList();
	}

}
