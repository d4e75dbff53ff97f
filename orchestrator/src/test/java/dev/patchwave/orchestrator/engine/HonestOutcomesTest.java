package dev.patchwave.orchestrator.engine;

import static dev.patchwave.orchestrator.testsupport.Fleet.wave;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.patch.Version;
import dev.patchwave.common.rollout.HaltPolicy;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.wave.WaveState;
import dev.patchwave.orchestrator.ConflictException;
import dev.patchwave.orchestrator.InvalidInputException;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A rollout never reports success while a host it covers is still exposed; operators can
 * retry the failed hosts, skip one for a reason, and choose what a halt does.
 */
@SpringBootTest
@PostgresTest
class HonestOutcomesTest {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	@Autowired
	RolloutService rollouts;

	@Autowired
	ConnectorInstances connectors;

	@Autowired
	TargetService targets;

	@Autowired
	ScriptedConnectorFactory scripted;

	@Autowired
	JdbcClient jdbc;

	@Test
	void oneFatalFailureUnderTheThresholdCompletesWithFailuresAndRetryFailedReinstallsThatHostAlone() {
		Fleet fleet = fleet().withTargets(4, i -> i == 2 ? Map.of("script", "1603/0") : Map.of());
		ScriptedConnector connector = this.scripted.connector(fleet.connector());
		RolloutView rollout = this.rollouts
			.create(fleet.rollout(wave("canary", "1", 1, "1"), wave("rest", "100%", 3, "1")), "manager");
		this.rollouts.start(rollout.id(), "operator");

		RolloutView completed = awaitState(rollout.id(), RolloutState.COMPLETED_WITH_FAILURES);
		assertThat(completed.totals().failed()).isOne();
		assertThat(completed.totals().exposed()).isOne();
		assertThat(completed.waves()).extracting(wave -> wave.state())
			.containsExactly(WaveState.SUCCEEDED, WaveState.COMPLETED_WITH_FAILURES);
		assertThat(events(rollout.id())).extracting(RolloutEvent::message)
			.anyMatch(message -> message.startsWith("Completed with 1 of 4 targets still exposed: 1 failed"));

		this.rollouts.retryFailed(rollout.id(), null, "operator");

		RolloutView done = awaitState(rollout.id(), RolloutState.SUCCEEDED);
		assertThat(done.totals().succeeded()).isEqualTo(4);
		assertThat(connector.installCount(fleet.name(2))).isEqualTo(2);
		for (int i : List.of(0, 1, 3)) {
			assertThat(connector.installCount(fleet.name(i))).as(fleet.name(i)).isOne();
		}
		assertThat(deployment(rollout.id(), fleet.name(2)).idempotencyKey()).matches("pw-d\\d+-a2-[0-9a-f]{8}");
	}

	@Test
	void aRebootPendingHostStaysExposedAndTheRolloutDoesNotSucceed() {
		Fleet fleet = fleet().withTargets(2, i -> i == 0 ? Map.of("script", "3010") : Map.of());
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 2, "0")), "manager");
		this.rollouts.start(rollout.id(), "operator");

		RolloutView completed = awaitState(rollout.id(), RolloutState.COMPLETED_WITH_FAILURES);

		assertThat(completed.totals().rebootPending()).isOne();
		assertThat(deployment(rollout.id(), fleet.name(0)).state()).isEqualTo(DeploymentState.REBOOT_PENDING);
		assertThat(this.targets.list(fleet.selector(), 0, 10).items())
			.filteredOn(target -> target.name().equals(fleet.name(0)))
			.singleElement()
			.satisfies(target -> assertThat(target.installedVersion()).hasToString(Fleet.VULNERABLE));
	}

	@Test
	void aRebootPendingHostIsFixedWhenAVerifyAfterItsRestartReadsTheFixedVersionWithoutInstallingAgain() {
		Fleet fleet = fleet().withTargets(2, i -> i == 0 ? Map.of("script", "3010") : Map.of());
		ScriptedConnector connector = this.scripted.connector(fleet.connector());
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 2, "0")), "manager");
		this.rollouts.start(rollout.id(), "operator");
		awaitState(rollout.id(), RolloutState.COMPLETED_WITH_FAILURES);
		assertThat(events(rollout.id())).extracting(RolloutEvent::type).contains("TARGET_NOT_FIXED_YET");

		connector.setVersion(fleet.name(0), Version.parse("14.0.7190"));
		this.rollouts.retryFailed(rollout.id(), null, "operator");

		RolloutView done = awaitState(rollout.id(), RolloutState.SUCCEEDED);
		assertThat(done.totals().succeeded()).isEqualTo(2);
		assertThat(connector.installCount(fleet.name(0))).isOne();
		assertThat(events(rollout.id())).extracting(RolloutEvent::type).contains("TARGET_VERIFIED");
	}

	@Test
	void skippingAFailedHostNeedsAReasonAndLeavesItExposedAndCounted() {
		Fleet fleet = fleet().withTargets(2, i -> i == 0 ? Map.of("script", "1603") : Map.of());
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 2, "1")), "manager");
		this.rollouts.start(rollout.id(), "operator");
		awaitState(rollout.id(), RolloutState.COMPLETED_WITH_FAILURES);

		assertThatThrownBy(() -> this.rollouts.skip(rollout.id(), fleet.name(0), "operator", " "))
			.isInstanceOf(InvalidInputException.class)
			.hasMessageContaining("reason");
		this.rollouts.skip(rollout.id(), fleet.name(0), "operator", "decommissioned on Friday");

		RolloutView after = this.rollouts.get(rollout.id());
		assertThat(after.state()).isEqualTo(RolloutState.COMPLETED_WITH_FAILURES);
		assertThat(after.totals().excluded()).isOne();
		assertThat(after.totals().exposed()).isOne();
		assertThat(deployment(rollout.id(), fleet.name(0)).message())
			.isEqualTo("Skipped by operator: decommissioned on Friday");
	}

	@Test
	void haltPolicyRollbackWaveTakesThePatchOffTheBreachingWaveOnlyAndWaitsForAPerson() {
		Fleet fleet = fleet().withTargets(4, i -> i == 3 ? Map.of("script", "1603") : Map.of());
		RolloutView rollout = this.rollouts.create(withPolicy(fleet, HaltPolicy.ROLLBACK_WAVE,
				List.of(wave("canary", "1", 1, "0"), wave("rest", "100%", 1, "0"))), "manager");
		this.rollouts.start(rollout.id(), "operator");

		await().atMost(PATIENCE)
			.until(() -> this.rollouts.get(rollout.id()).waves().get(1).state() == WaveState.ROLLED_BACK);
		RolloutView halted = awaitState(rollout.id(), RolloutState.HALTED);

		assertThat(halted.waves().get(0).state()).isEqualTo(WaveState.SUCCEEDED);
		assertThat(halted.waves().get(1).counts().rolledBack()).isEqualTo(2);
		assertThat(deployment(rollout.id(), fleet.name(0)).state()).isEqualTo(DeploymentState.SUCCEEDED);
		assertThat(events(rollout.id())).extracting(RolloutEvent::message)
			.contains("Halt policy ROLLBACK_WAVE: rolling back wave 'rest'");
	}

	@Test
	void haltPolicyRollbackAllTakesThePatchOffEveryInstalledTarget() {
		Fleet fleet = fleet().withTargets(4, i -> i == 3 ? Map.of("script", "1603") : Map.of());
		RolloutView rollout = this.rollouts.create(withPolicy(fleet, HaltPolicy.ROLLBACK_ALL,
				List.of(wave("canary", "1", 1, "0"), wave("rest", "100%", 1, "0"))), "manager");
		this.rollouts.start(rollout.id(), "operator");

		RolloutView rolledBack = awaitState(rollout.id(), RolloutState.ROLLED_BACK);

		assertThat(rolledBack.totals().rolledBack()).isEqualTo(3);
	}

	@Test
	void resumeRaisingTheThresholdJournalsWhoAndWhy() {
		Fleet fleet = fleet().withTargets(3, i -> i == 0 ? Map.of("script", "1603") : Map.of());
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 1, "0")), "manager");
		this.rollouts.start(rollout.id(), "operator");
		awaitState(rollout.id(), RolloutState.HALTED);

		assertThatThrownBy(() -> this.rollouts.resume(rollout.id(), "operator", "2", null))
			.isInstanceOf(InvalidInputException.class)
			.hasMessageContaining("reason");
		this.rollouts.resume(rollout.id(), "operator", "2", "known bad disk on that host");

		RolloutView done = awaitState(rollout.id(), RolloutState.COMPLETED_WITH_FAILURES);
		assertThat(done.waves().get(0).failureThreshold()).isEqualTo("2");
		assertThat(events(rollout.id())).filteredOn(event -> event.type().equals("THRESHOLD_RAISED"))
			.singleElement()
			.satisfies(event -> {
				assertThat(event.actor()).isEqualTo("operator");
				assertThat(event.message()).contains("from 0 to 2").contains("known bad disk on that host");
			});
	}

	@Test
	void anOverlappingRolloutIsRefusedNamingTheRolloutAndItsTargets() {
		Fleet fleet = new Fleet(this.connectors, this.targets).withConnector("scripted", Map.of("gated", "true"))
			.withTargets(2);
		RolloutView running = this.rollouts.create(fleet.rollout(wave("all", "100%", 2, "0")), "manager");
		this.rollouts.start(running.id(), "operator");

		assertThatThrownBy(() -> this.rollouts.create(fleet.rollout(wave("all", "100%", 2, "0")), "manager"))
			.isInstanceOf(ConflictException.class)
			.hasMessageContaining("rollout %d".formatted(running.id()))
			.hasMessageContaining(fleet.name(0))
			.hasMessageContaining(fleet.name(1));
		assertThat(this.rollouts.list(0, 100).items()).filteredOn(r -> r.selector().equals(fleet.selector()))
			.singleElement();
		this.rollouts.abort(running.id(), "operator");
		this.scripted.connector(fleet.connector()).releaseAll();
	}

	@Test
	void aTallyThatDriftedNeitherFinishesAWaveEarlyNorHoldsItUp() {
		Fleet fleet = new Fleet(this.connectors, this.targets).withConnector("scripted", Map.of("gated", "true"))
			.withTargets(4);
		ScriptedConnector connector = this.scripted.connector(fleet.connector());
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 2, "0")), "manager");
		this.rollouts.start(rollout.id(), "operator");
		await().atMost(PATIENCE).until(() -> connector.held() == 2);
		// the tally claims the two pending targets had succeeded already
		this.jdbc.sql("UPDATE wave_tally SET n = n + CASE state WHEN 'SUCCEEDED' THEN 2 ELSE -2 END"
				+ " WHERE state IN ('SUCCEEDED', 'PENDING') AND wave_id IN (SELECT id FROM wave WHERE rollout_id = ?)")
			.param(rollout.id())
			.update();

		await().atMost(PATIENCE).until(() -> {
			connector.releaseAll();
			return this.rollouts.get(rollout.id()).state().isEnded();
		});

		RolloutView done = this.rollouts.get(rollout.id());
		assertThat(done.state()).isEqualTo(RolloutState.SUCCEEDED);
		assertThat(done.totals().succeeded()).isEqualTo(4);
		assertThat(done.totals().total()).isEqualTo(4);
		for (int i = 0; i < 4; i++) {
			assertThat(connector.installCount(fleet.name(i))).as(fleet.name(i)).isOne();
		}
	}

	private RolloutRequest withPolicy(Fleet fleet, HaltPolicy policy, List<RolloutRequest.WaveRequest> waves) {
		RolloutRequest base = fleet.rollout(waves.toArray(RolloutRequest.WaveRequest[]::new));
		return new RolloutRequest(base.name(), base.patchId(), base.selector(), base.advance(), base.bakeTime(),
				base.notBefore(), base.waves(), policy);
	}

	private Fleet fleet() {
		return new Fleet(this.connectors, this.targets).withConnector("scripted", Map.of("latencyMillis", "5"));
	}

	private RolloutView awaitState(long id, RolloutState state) {
		await().atMost(PATIENCE).until(() -> this.rollouts.get(id).state() == state);
		return this.rollouts.get(id);
	}

	private DeploymentView deployment(long id, String target) {
		return this.rollouts.deployments(id, null, 0, 1000)
			.items()
			.stream()
			.filter(d -> d.target().equals(target))
			.findFirst()
			.orElseThrow();
	}

	private List<RolloutEvent> events(long id) {
		return this.rollouts.events(id, 0, 10_000);
	}

}
