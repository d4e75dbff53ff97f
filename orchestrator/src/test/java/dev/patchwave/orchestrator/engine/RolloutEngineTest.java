package dev.patchwave.orchestrator.engine;

import static dev.patchwave.orchestrator.testsupport.Fleet.wave;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.state.IllegalTransitionException;
import dev.patchwave.common.wave.WaveState;
import dev.patchwave.orchestrator.ConflictException;
import dev.patchwave.orchestrator.NotPermittedException;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.event.RolloutEvent;
import dev.patchwave.orchestrator.rollout.DeploymentView;
import dev.patchwave.orchestrator.rollout.RolloutService;
import dev.patchwave.orchestrator.rollout.RolloutView;
import dev.patchwave.orchestrator.target.TargetService;
import dev.patchwave.orchestrator.testsupport.Fleet;
import dev.patchwave.orchestrator.testsupport.PostgresTest;
import dev.patchwave.orchestrator.testsupport.ScriptedConnector;
import dev.patchwave.orchestrator.testsupport.ScriptedConnectorFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest
@PostgresTest
class RolloutEngineTest {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	@Autowired
	RolloutService rollouts;

	@Autowired
	ConnectorInstances connectors;

	@Autowired
	TargetService targets;

	@Autowired
	ScriptedConnectorFactory scripted;

	@Test
	void runsWavesInOrderNeverPassingMaxConcurrencyAndSucceeds() {
		Fleet fleet = fleet(Map.of("latencyMillis", "20")).withTargets(40);
		RolloutView rollout = this.rollouts.create(
				fleet.rollout(wave("canary", "4", 2, "0"), wave("early", "50%", 5, "0"), wave("rest", "100%", 8, "0")),
				"manager");
		assertThat(rollout.waves()).extracting(w -> w.targets()).containsExactly(4, 18, 18);

		this.rollouts.start(rollout.id(), "operator");

		RolloutView done = awaitState(rollout.id(), RolloutState.SUCCEEDED);
		assertThat(done.totals().succeeded()).isEqualTo(40);
		assertThat(done.waves()).allSatisfy(w -> assertThat(w.state()).isEqualTo(WaveState.SUCCEEDED));
		List<DeploymentView> deployments = deployments(rollout.id());
		assertThat(maxOverlap(deployments, 0)).isBetween(1, 2);
		assertThat(maxOverlap(deployments, 1)).isBetween(1, 5);
		assertThat(maxOverlap(deployments, 2)).isBetween(1, 8);
		assertWavesRanInOrder(deployments);
		ScriptedConnector connector = this.scripted.connector(fleet.connector());
		for (int i = 0; i < 40; i++) {
			assertThat(connector.installCount(fleet.name(i))).as(fleet.name(i)).isEqualTo(1);
		}
		assertThat(this.targets.list(fleet.selector(), 0, 100).items())
			.allSatisfy(target -> assertThat(target.installedVersion()).hasToString("14.0.7190"));
		assertThat(types(rollout.id())).containsSubsequence("CREATED", "STARTED", "WAVE_STARTED", "WAVE_SUCCEEDED",
				"WAVE_STARTED", "WAVE_SUCCEEDED", "WAVE_STARTED", "WAVE_SUCCEEDED", "SUCCEEDED");
	}

	@Test
	void whileAWaveRunsTheConnectorIsToldTheFirstTwoRoundsOfTheNextTwoWaves() {
		Fleet fleet = fleet(Map.of("gated", "true")).withTargets(16);
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("canary", "1", 1, "0"),
				wave("early", "8", 3, "0"), wave("middle", "4", 1, "0"), wave("rest", "100%", 3, "0")), "manager");
		ScriptedConnector connector = this.scripted.connector(fleet.connector());

		this.rollouts.start(rollout.id(), "operator");

		await().atMost(PATIENCE).until(() -> connector.prepared().size() == 6 + 2);
		List<DeploymentView> deployments = deployments(rollout.id());
		assertThat(connector.prepared()).containsExactlyElementsOf(
				Stream.concat(firstOf(deployments, 1, 6).stream(), firstOf(deployments, 2, 2).stream())
					.map(DeploymentView::target)
					.toList());
		assertThat(connector.installed()).containsExactlyElementsOf(
				deployments.stream().filter(d -> d.wave() == 0).map(DeploymentView::target).toList());
		await().atMost(PATIENCE)
			.until(() -> connector.releaseAll() == 0
					&& this.rollouts.get(rollout.id()).state() == RolloutState.SUCCEEDED);
		// Each wave after the canary is told again while the one before it runs, the last
		// only once.
		assertThat(connector.prepared()).hasSize((6 + 2) + (2 + 3) + 3);
		for (int i = 0; i < 16; i++) {
			assertThat(connector.installCount(fleet.name(i))).as(fleet.name(i)).isOne();
		}
	}

	private static List<DeploymentView> firstOf(List<DeploymentView> deployments, int wave, int count) {
		return deployments.stream().filter(d -> d.wave() == wave).limit(count).toList();
	}

	@Test
	void haltsInTheWaveWhoseFailuresPassTheThresholdAndLeavesLaterWavesUntouched() {
		Fleet fleet = fleet(Map.of("latencyMillis", "10")).withTargets(30,
				i -> i >= 5 && i < 15 && i % 3 == 0 ? Map.of("script", "1603") : Map.of());
		RolloutView rollout = this.rollouts.create(
				fleet.rollout(wave("canary", "5", 5, "0"), wave("early", "10", 2, "1"), wave("rest", "100%", 10, "0")),
				"manager");

		this.rollouts.start(rollout.id(), "operator");

		RolloutView halted = awaitState(rollout.id(), RolloutState.HALTED);
		await().atMost(PATIENCE).until(() -> this.rollouts.get(rollout.id()).totals().dispatched() == 0);
		halted = this.rollouts.get(rollout.id());
		assertThat(halted.waves()).extracting(w -> w.state())
			.containsExactly(WaveState.SUCCEEDED, WaveState.HALTED, WaveState.PENDING);
		assertThat(halted.waves().get(1).counts().failed()).isGreaterThanOrEqualTo(2);
		assertThat(halted.waves().get(2).counts().pending()).isEqualTo(15);
		ScriptedConnector connector = this.scripted.connector(fleet.connector());
		for (int i = 15; i < 30; i++) {
			assertThat(connector.installCount(fleet.name(i))).as("later wave target %s", fleet.name(i)).isZero();
		}
		List<DeploymentView> failed = this.rollouts.deployments(rollout.id(), DeploymentState.FAILED, 0, 50).items();
		assertThat(failed).allSatisfy(d -> {
			assertThat(d.exitCode()).isEqualTo(1603);
			assertThat(d.cause()).isEqualTo(ResultCause.FATAL_TARGET_ERROR);
		});
		assertThat(types(rollout.id())).contains("HALTED");
	}

	@Test
	void skipsTargetsAlreadyAtTheFixedVersionWithoutInstalling() {
		Fleet fleet = fleet(Map.of("latencyMillis", "5")).withTargets(6,
				i -> i % 2 == 0 ? Map.of("patched", "yes") : Map.of());
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 6, "0")), "manager");

		this.rollouts.start(rollout.id(), "operator");

		RolloutView done = awaitState(rollout.id(), RolloutState.SUCCEEDED);
		assertThat(done.totals().skipped()).isEqualTo(3);
		assertThat(done.totals().succeeded()).isEqualTo(3);
		ScriptedConnector connector = this.scripted.connector(fleet.connector());
		assertThat(connector.installCount(fleet.name(0))).isZero();
		assertThat(connector.installCount(fleet.name(1))).isOne();
	}

	@Test
	void retriesABusyTargetUnderANewKeyAndGivesUpAfterMaxAttempts() {
		Fleet fleet = fleet(Map.of("latencyMillis", "5")).withTargets(2,
				i -> i == 0 ? Map.of("script", "1618/0") : Map.of("script", "1618/1618/1618/0"));
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 2, "1")), "manager");

		this.rollouts.start(rollout.id(), "operator");

		awaitState(rollout.id(), RolloutState.COMPLETED_WITH_FAILURES);
		DeploymentView recovered = deployment(rollout.id(), fleet.name(0));
		assertThat(recovered.state()).isEqualTo(DeploymentState.SUCCEEDED);
		assertThat(recovered.attempts()).isEqualTo(2);
		assertThat(recovered.idempotencyKey()).matches("pw-d\\d+-a2-[0-9a-f]{8}");
		DeploymentView exhausted = deployment(rollout.id(), fleet.name(1));
		assertThat(exhausted.state()).isEqualTo(DeploymentState.FAILED);
		assertThat(exhausted.attempts()).isEqualTo(3);
		assertThat(exhausted.cause()).isEqualTo(ResultCause.TRANSIENT_TARGET_ERROR);
		assertThat(exhausted.message()).contains("gave up after 3 attempts");
		assertThat(types(rollout.id())).contains("TARGET_RETRY_SCHEDULED");
	}

	@Test
	void startsAScheduledRolloutAtItsNotBeforeTimeThroughQuartz() {
		Fleet fleet = fleet(Map.of("latencyMillis", "5")).withTargets(3);
		Instant notBefore = Instant.now().plusSeconds(2);
		RolloutView rollout = this.rollouts
			.create(fleet.rollout(AdvanceMode.AUTO, Duration.ZERO, notBefore, wave("all", "100%", 3, "0")), "manager");

		assertThat(this.rollouts.start(rollout.id(), "operator").state()).isEqualTo(RolloutState.SCHEDULED);
		assertThat(this.scripted.connector(fleet.connector()).installed()).isEmpty();

		RolloutView done = awaitState(rollout.id(), RolloutState.SUCCEEDED);
		assertThat(done.startedAt()).isAfterOrEqualTo(notBefore);
		assertThat(this.rollouts.events(rollout.id(), 0, 100)).filteredOn(e -> e.type().equals("STARTED"))
			.extracting(RolloutEvent::actor)
			.containsExactly("scheduler");
	}

	@Test
	void bakesAFinishedWaveThenStartsTheNextByItself() {
		Fleet fleet = fleet(Map.of("latencyMillis", "5")).withTargets(4);
		RolloutView rollout = this.rollouts.create(fleet.rollout(AdvanceMode.AUTO, Duration.ofSeconds(1), null,
				wave("canary", "1", 1, "0"), wave("rest", "100%", 3, "0")), "manager");

		this.rollouts.start(rollout.id(), "operator");

		await().atMost(PATIENCE)
			.until(() -> this.rollouts.get(rollout.id()).waves().get(0).state() == WaveState.BAKING);
		assertThat(this.rollouts.get(rollout.id()).waves().get(1).state()).isEqualTo(WaveState.PENDING);
		RolloutView done = awaitState(rollout.id(), RolloutState.SUCCEEDED);
		assertThat(done.waves().get(1).startedAt()).isAfterOrEqualTo(done.waves().get(0).bakeUntil());
	}

	@Test
	void manualRolloutWaitsForAnotherChangeManagersApprovalBeforeEachLaterWave() {
		Fleet fleet = fleet(Map.of("latencyMillis", "5")).withTargets(3);
		RolloutView rollout = this.rollouts.create(fleet.rollout(AdvanceMode.MANUAL, Duration.ZERO, null,
				wave("canary", "1", 1, "0"), wave("rest", "100%", 2, "0")), "manager");
		this.rollouts.start(rollout.id(), "operator");

		await().atMost(PATIENCE)
			.until(() -> this.rollouts.get(rollout.id()).waves().get(1).state() == WaveState.AWAITING_APPROVAL);
		assertThat(this.rollouts.get(rollout.id()).waves().get(0).state()).isEqualTo(WaveState.SUCCEEDED);
		assertThat(this.rollouts.get(rollout.id()).waves().get(1).counts().pending()).isEqualTo(2);
		assertThatThrownBy(() -> this.rollouts.approve(rollout.id(), 1, "manager", "mine"))
			.isInstanceOf(NotPermittedException.class)
			.hasMessageContaining("four eyes");

		this.rollouts.approve(rollout.id(), 1, "other-manager", "canary looks healthy");

		awaitState(rollout.id(), RolloutState.SUCCEEDED);
		assertThat(this.rollouts.events(rollout.id(), 0, 100)).filteredOn(e -> e.type().equals("WAVE_APPROVED"))
			.singleElement()
			.satisfies(event -> {
				assertThat(event.actor()).isEqualTo("other-manager");
				assertThat(event.message()).contains("canary looks healthy");
			});
		assertThatThrownBy(() -> this.rollouts.advance(rollout.id(), "other-manager"))
			.isInstanceOf(ConflictException.class);
	}

	@Test
	void aRejectedWaveHaltsTheRolloutWithTheReasonJournaled() {
		Fleet fleet = fleet(Map.of("latencyMillis", "5")).withTargets(2);
		RolloutView rollout = this.rollouts.create(fleet.rollout(AdvanceMode.MANUAL, Duration.ZERO, null,
				wave("canary", "1", 1, "0"), wave("rest", "100%", 1, "0")), "manager");
		this.rollouts.start(rollout.id(), "operator");
		await().atMost(PATIENCE)
			.until(() -> this.rollouts.get(rollout.id()).waves().get(1).state() == WaveState.AWAITING_APPROVAL);

		this.rollouts.reject(rollout.id(), 1, "other-manager", "the canary's event log shows errors");

		RolloutView halted = this.rollouts.get(rollout.id());
		assertThat(halted.state()).isEqualTo(RolloutState.HALTED);
		assertThat(halted.waves().get(1).state()).isEqualTo(WaveState.HALTED);
		assertThat(halted.waves().get(1).counts().pending()).isEqualTo(1);
		assertThat(this.rollouts.events(rollout.id(), 0, 100)).extracting(RolloutEvent::message)
			.anyMatch(message -> message.contains("rejected by other-manager: the canary's event log shows errors"));

		RolloutView resumed = this.rollouts.resume(rollout.id(), "manager");

		assertThat(resumed.waves().get(1).state()).as("a resume never starts a rejected wave")
			.isEqualTo(WaveState.AWAITING_APPROVAL);
		assertThat(this.scripted.connector(fleet.connector()).installCount(fleet.name(1))).isZero();
	}

	@Test
	void pauseLetsInFlightTargetsFinishAndDispatchesNothingUntilResumed() {
		Fleet fleet = fleet(Map.of("gated", "true")).withTargets(6);
		ScriptedConnector connector = this.scripted.connector(fleet.connector());
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 2, "0")), "manager");
		this.rollouts.start(rollout.id(), "operator");
		await().atMost(PATIENCE).until(() -> connector.held() == 2);

		assertThat(this.rollouts.pause(rollout.id(), "operator").state()).isEqualTo(RolloutState.PAUSED);
		connector.releaseAll();
		await().atMost(PATIENCE).until(() -> this.rollouts.get(rollout.id()).totals().succeeded() == 2);
		reconcile();

		assertThat(connector.installed()).hasSize(2);
		assertThat(this.rollouts.get(rollout.id()).totals().pending()).isEqualTo(4);

		this.rollouts.resume(rollout.id(), "operator");
		await().atMost(PATIENCE).until(() -> connector.held() == 2);
		connector.releaseAll();
		await().atMost(PATIENCE).until(() -> connector.held() == 2);
		connector.releaseAll();
		awaitState(rollout.id(), RolloutState.SUCCEEDED);
		assertThat(connector.installed()).hasSize(6).doesNotHaveDuplicates();
	}

	@Test
	void abortDispatchesNothingMoreAndRecordsTheTargetsInFlight() {
		Fleet fleet = fleet(Map.of("gated", "true")).withTargets(5);
		ScriptedConnector connector = this.scripted.connector(fleet.connector());
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 2, "0")), "manager");
		this.rollouts.start(rollout.id(), "operator");
		await().atMost(PATIENCE).until(() -> connector.held() == 2);

		RolloutView aborted = this.rollouts.abort(rollout.id(), "operator");
		connector.releaseAll();

		assertThat(aborted.state()).isEqualTo(RolloutState.ABORTED);
		await().atMost(PATIENCE).until(() -> this.rollouts.get(rollout.id()).totals().succeeded() == 2);
		reconcile();
		assertThat(connector.installed()).hasSize(2);
		assertThat(this.rollouts.get(rollout.id()).totals().pending()).isEqualTo(3);
		assertThatThrownBy(() -> this.rollouts.resume(rollout.id(), "operator")).isInstanceOf(ConflictException.class)
			.hasMessageContaining("is ABORTED; only a paused or halted rollout is resumed");
	}

	@Test
	void resumingAHaltedRolloutAcknowledgesItsFailuresAndFinishesTheWave() {
		Fleet fleet = fleet(Map.of("latencyMillis", "5")).withTargets(4,
				i -> i == 0 ? Map.of("script", "1603") : Map.of());
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 1, "0")), "manager");
		this.rollouts.start(rollout.id(), "operator");
		awaitState(rollout.id(), RolloutState.HALTED);

		this.rollouts.resume(rollout.id(), "operator");

		RolloutView done = awaitState(rollout.id(), RolloutState.COMPLETED_WITH_FAILURES);
		assertThat(done.totals().failed()).isEqualTo(1);
		assertThat(done.totals().succeeded()).isEqualTo(3);
		assertThat(this.rollouts.events(rollout.id(), 0, 100)).filteredOn(e -> e.type().equals("RESUMED"))
			.extracting(RolloutEvent::message)
			.containsExactly("Resumed; wave 'all' continues with its 1 failures acknowledged");
	}

	@Test
	void rollingBackAHaltedRolloutTakesThePatchOffEveryTargetItWasInstalledOn() {
		Fleet fleet = fleet(Map.of("latencyMillis", "5")).withTargets(8,
				i -> i == 5 ? Map.of("script", "1603") : Map.of());
		RolloutView rollout = this.rollouts
			.create(fleet.rollout(wave("canary", "2", 2, "0"), wave("rest", "100%", 1, "0")), "manager");
		this.rollouts.start(rollout.id(), "operator");
		awaitState(rollout.id(), RolloutState.HALTED);
		int installed = this.rollouts.get(rollout.id()).totals().succeeded();
		assertThat(installed).isGreaterThanOrEqualTo(2);

		assertThat(this.rollouts.rollback(rollout.id(), "operator").state()).isIn(RolloutState.ROLLING_BACK,
				RolloutState.ROLLED_BACK);

		RolloutView rolledBack = awaitState(rollout.id(), RolloutState.ROLLED_BACK);
		assertThat(rolledBack.totals().rolledBack()).isEqualTo(installed);
		assertThat(rolledBack.totals().succeeded()).isZero();
		assertThat(rolledBack.totals().failed()).isEqualTo(1);
		assertThat(rolledBack.waves()).extracting(w -> w.state())
			.containsExactly(WaveState.ROLLED_BACK, WaveState.ROLLED_BACK);
		assertThat(this.targets.list(fleet.selector(), 0, 100).items())
			.allSatisfy(target -> assertThat(target.installedVersion()).hasToString(Fleet.VULNERABLE));
		assertThat(types(rollout.id())).contains("ROLLBACK_STARTED", "TARGET_ROLLED_BACK", "ROLLED_BACK");
		assertThatThrownBy(() -> this.rollouts.resume(rollout.id(), "operator")).isInstanceOf(ConflictException.class);
	}

	@Test
	void aRunningRolloutCannotBeRolledBackUntilItIsPausedOrHalted() {
		Fleet fleet = fleet(Map.of("gated", "true")).withTargets(2);
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 1, "0")), "manager");
		this.rollouts.start(rollout.id(), "operator");

		assertThatThrownBy(() -> this.rollouts.rollback(rollout.id(), "operator"))
			.isInstanceOf(IllegalTransitionException.class)
			.hasMessageContaining("RUNNING to ROLLING_BACK");
		this.rollouts.abort(rollout.id(), "operator");
		this.scripted.connector(fleet.connector()).releaseAll();
	}

	@Test
	void aConnectorThatNeverAnswersFreesTheSlotAsItsOwnFailureAndTheLateAnswerStillCounts() {
		Fleet fleet = fleet(Map.of("gated", "true")).withTargets(1);
		ScriptedConnector connector = this.scripted.connector(fleet.connector());
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 1, "0")), "manager");
		this.rollouts.start(rollout.id(), "operator");

		await().atMost(PATIENCE)
			.until(() -> deployment(rollout.id(), fleet.name(0)).cause() == ResultCause.INFRASTRUCTURE_ERROR);
		DeploymentView waiting = deployment(rollout.id(), fleet.name(0));
		assertThat(waiting.message()).contains("TimeoutException");
		assertThat(this.rollouts.get(rollout.id()).totals().failed()).isZero();

		connector.releaseAll();

		awaitState(rollout.id(), RolloutState.SUCCEEDED);
		assertThat(connector.installCount(fleet.name(0))).isOne();
	}

	@Test
	void pausingADraftIsAnIllegalTransition() {
		Fleet fleet = fleet(Map.of()).withTargets(1);
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 1, "0")), "manager");

		assertThatThrownBy(() -> this.rollouts.pause(rollout.id(), "operator"))
			.isInstanceOf(IllegalTransitionException.class)
			.hasMessage("RolloutState cannot go from DRAFT to PAUSED");
		assertThat(this.rollouts.get(rollout.id()).state()).isEqualTo(RolloutState.DRAFT);
	}

	@Autowired
	Reconciler engine;

	/**
	 * Runs a reconcile now: it takes each rollout's lock, so any step still running has
	 * finished after it.
	 */
	private void reconcile() {
		this.engine.reconcileAll();
	}

	private Fleet fleet(Map<String, String> settings) {
		return new Fleet(this.connectors, this.targets).withConnector("scripted", settings);
	}

	private RolloutView awaitState(long id, RolloutState state) {
		await().atMost(PATIENCE).until(() -> this.rollouts.get(id).state() == state);
		return this.rollouts.get(id);
	}

	private List<DeploymentView> deployments(long id) {
		return this.rollouts.deployments(id, null, 0, 1000).items();
	}

	private DeploymentView deployment(long id, String target) {
		return deployments(id).stream().filter(d -> d.target().equals(target)).findFirst().orElseThrow();
	}

	private List<String> types(long id) {
		return this.rollouts.events(id, 0, 10_000).stream().map(RolloutEvent::type).toList();
	}

	/**
	 * The most targets of a wave that were ever between dispatch and result at once, from
	 * the recorded times. The recorded span encloses the connector call, so the true
	 * concurrency is at most this.
	 */
	static int maxOverlap(List<DeploymentView> deployments, int wave) {
		record Edge(Instant at, int delta) {
		}
		List<Edge> edges = new ArrayList<>();
		deployments.stream().filter(d -> d.wave() == wave && d.dispatchedAt() != null).forEach(d -> {
			edges.add(new Edge(d.dispatchedAt(), 1));
			edges.add(new Edge(d.finishedAt(), -1));
		});
		edges.sort(Comparator.comparing(Edge::at).thenComparingInt(Edge::delta));
		int current = 0;
		int max = 0;
		for (Edge edge : edges) {
			current += edge.delta();
			max = Math.max(max, current);
		}
		return max;
	}

	/**
	 * No target of a wave was dispatched before every target of the wave before it had
	 * its result.
	 */
	static void assertWavesRanInOrder(List<DeploymentView> deployments) {
		int waves = deployments.stream().mapToInt(DeploymentView::wave).max().orElse(0) + 1;
		for (int wave = 1; wave < waves; wave++) {
			int previous = wave - 1;
			Instant previousDone = deployments.stream()
				.filter(d -> d.wave() == previous)
				.map(DeploymentView::finishedAt)
				.max(Comparator.naturalOrder())
				.orElseThrow();
			int current = wave;
			assertThat(deployments.stream().filter(d -> d.wave() == current).map(DeploymentView::dispatchedAt))
				.as("dispatch times of wave %d", wave)
				.allSatisfy(at -> assertThat(at).isAfterOrEqualTo(previousDone));
		}
	}

}
