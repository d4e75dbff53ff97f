package dev.patchwave.orchestrator.engine;

import static dev.patchwave.orchestrator.testsupport.Fleet.wave;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.patchwave.common.connector.InstallRequest;
import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.event.RolloutEvent;
import dev.patchwave.orchestrator.patch.PatchCatalog;
import dev.patchwave.orchestrator.rollout.DeploymentView;
import dev.patchwave.orchestrator.rollout.RolloutService;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import dev.patchwave.orchestrator.rollout.RolloutView;
import dev.patchwave.orchestrator.target.TargetRepository;
import dev.patchwave.orchestrator.target.TargetService;
import dev.patchwave.orchestrator.testsupport.Fleet;
import dev.patchwave.orchestrator.testsupport.PostgresTest;
import dev.patchwave.orchestrator.testsupport.ScriptedConnector;
import dev.patchwave.orchestrator.testsupport.ScriptedConnectorFactory;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the engine does with work a crash, another node or a broken connector left behind:
 * rows stuck mid-dispatch, leases lost and taken over, lost results, timers that never
 * fired, retries of a rollout that no longer runs, a connector down or buggy.
 */
@SpringBootTest
@PostgresTest
class OwnershipAndRecoveryTest {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	@Autowired
	RolloutService rollouts;

	@Autowired
	RolloutStore store;

	@Autowired
	ConnectorInstances connectors;

	@Autowired
	TargetService targetService;

	@Autowired
	TargetRepository targets;

	@Autowired
	PatchCatalog catalog;

	@Autowired
	ScriptedConnectorFactory scripted;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	Ownership ownership;

	@Autowired
	EngineTransactions tx;

	@Autowired
	Retries retries;

	@Autowired
	RolloutDriver driver;

	@Autowired
	EngineScheduler scheduler;

	@Test
	void aTakeoverAsksTheConnectorFirstRecordsWhatFinishedJoinsWhatRunsAndSendsWhatItNeverSaw() {
		Fleet fleet = fleet(Map.of("gated", "true")).withTargets(3);
		ScriptedConnector connector = this.scripted.connector(fleet.connector());
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 3, "0")), "manager");
		List<InstallRequest> requests = strandAsDispatchedByADeadNode(rollout.id());
		connector.remember(requests.get(0), 0);
		connector.install(requests.get(1));
		expireLease(rollout.id());

		await().atMost(PATIENCE).until(() -> {
			connector.releaseAll();
			return this.rollouts.get(rollout.id()).state() == RolloutState.SUCCEEDED;
		});

		for (int i = 0; i < 3; i++) {
			assertThat(connector.installCount(fleet.name(i))).as(fleet.name(i)).isOne();
		}
		assertThat(deployments(rollout.id())).extracting(DeploymentView::idempotencyKey)
			.containsExactlyInAnyOrderElementsOf(requests.stream().map(InstallRequest::idempotencyKey).toList());
		assertThat(events(rollout.id())).filteredOn(event -> event.type().equals("TAKEN_OVER"))
			.singleElement()
			.satisfies(event -> assertThat(event.message()).contains("from node dead-node"));
		await().atMost(PATIENCE)
			.alias("released once the rollout has no work left")
			.until(() -> !this.ownership.owns(rollout.id()) && owner(rollout.id()) == null);
	}

	@Test
	void aNodeThatLostItsLeaseCannotWriteAndItsResultsAreLeftToTheNewOwner() {
		Fleet fleet = fleet(Map.of("gated", "true")).withTargets(2);
		ScriptedConnector connector = this.scripted.connector(fleet.connector());
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 2, "0")), "manager");
		this.rollouts.start(rollout.id(), "operator");
		await().atMost(PATIENCE).until(() -> connector.held() == 2);

		this.jdbc.sql("""
				UPDATE rollout SET owner_node = 'other-node', lease_epoch = lease_epoch + 1, lease_until = ?
				WHERE id = ?""").params(Timestamp.from(Instant.now().plus(Duration.ofHours(1))), rollout.id()).update();
		connector.releaseAll();

		await().atMost(PATIENCE).until(() -> !this.ownership.owns(rollout.id()));
		assertThatThrownBy(() -> this.tx.run(rollout.id(),
				() -> this.jdbc.sql("UPDATE deployment SET message = 'written' WHERE rollout_id = ?")
					.param(rollout.id())
					.update()))
			.isInstanceOf(LeaseLostException.class);
		assertThat(deployments(rollout.id())).allSatisfy(d -> {
			assertThat(d.state()).isEqualTo(DeploymentState.DISPATCHED);
			assertThat(d.message()).isNull();
		});
		assertThat(owner(rollout.id())).isEqualTo("other-node");
	}

	@Test
	void aCallWhoseResultWasLostIsAskedAboutAndJoinedNeverSentTwice() {
		Fleet fleet = fleet(Map.of("gated", "true")).withTargets(1);
		ScriptedConnector connector = this.scripted.connector(fleet.connector());
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 1, "0")), "manager");
		this.rollouts.start(rollout.id(), "operator");
		await().atMost(PATIENCE).until(() -> connector.held() == 1);

		this.driver.forgetCalls(rollout.id());
		this.driver.reconcile(rollout.id(), Duration.ZERO);
		await().atMost(PATIENCE).until(() -> {
			connector.releaseAll();
			return this.rollouts.get(rollout.id()).state() == RolloutState.SUCCEEDED;
		});

		assertThat(connector.installCount(fleet.name(0))).isOne();
	}

	@Test
	void aPausedRolloutStartsNoNewAttemptForABusyTargetUntilResumed() {
		Fleet fleet = fleet(Map.of("gated", "true")).withTargets(1, i -> Map.of("script", "1618/0"));
		ScriptedConnector connector = this.scripted.connector(fleet.connector());
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 1, "0")), "manager");
		this.rollouts.start(rollout.id(), "operator");
		await().atMost(PATIENCE).until(() -> connector.held() == 1);
		this.rollouts.pause(rollout.id(), "operator");
		connector.releaseAll();
		await().atMost(PATIENCE).until(() -> deployment(rollout.id(), 0).retryAt() != null);

		long deploymentId = deployment(rollout.id(), 0).id();
		assertThat(this.retries.due(this.store.rollout(rollout.id()).orElseThrow(), deploymentId)).isEmpty();
		assertThat(connector.installCount(fleet.name(0))).isOne();

		this.rollouts.resume(rollout.id(), "operator");
		await().atMost(PATIENCE).until(() -> {
			connector.releaseAll();
			return this.rollouts.get(rollout.id()).state() == RolloutState.SUCCEEDED;
		});
		assertThat(connector.installCount(fleet.name(0))).isEqualTo(2);
	}

	@Test
	void aConnectorDownNeverHoldsUpTheTargetsOfAnotherInTheSameWave() {
		Fleet fleet = fleet(Map.of("latencyMillis", "5")).withTargets(6);
		ScriptedConnector down = this.scripted.connector(fleet.connector());
		down.setDown(true);
		fleet.withConnector("scripted", Map.of("latencyMillis", "5")).withTargets(6, 4, i -> Map.of());
		// one slot: the down connector's six targets come first in plan order, more than
		// a few slots' worth
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 1, "0")), "manager");
		assertThat(rollout.totals().pending()).isEqualTo(10);

		this.rollouts.start(rollout.id(), "operator");

		await().atMost(PATIENCE).until(() -> this.rollouts.get(rollout.id()).totals().succeeded() == 4);
		RolloutView waiting = this.rollouts.get(rollout.id());
		assertThat(waiting.state()).isEqualTo(RolloutState.RUNNING);
		assertThat(waiting.totals().pending()).isEqualTo(6);
		assertThat(waiting.totals().failed()).isZero();

		down.setDown(false);
		await().atMost(PATIENCE).until(() -> this.rollouts.get(rollout.id()).state() == RolloutState.SUCCEEDED);
		assertThat(events(rollout.id())).extracting(RolloutEvent::type)
			.containsSubsequence("CONNECTOR_UNAVAILABLE", "CONNECTOR_AVAILABLE");
	}

	@Test
	void aConnectorRefusingRequestsAsMisconfiguredTooLongHaltsTheRolloutWithTheReason() {
		Fleet fleet = fleet(Map.of("latencyMillis", "5")).withTargets(3);
		ScriptedConnector connector = this.scripted.connector(fleet.connector());
		connector.setMisconfigured(Instant.now().minus(Duration.ofHours(1)));
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 3, "0")), "manager");

		this.rollouts.start(rollout.id(), "operator");

		RolloutView halted = awaitState(rollout.id(), RolloutState.HALTED);
		assertThat(halted.totals().pending()).isEqualTo(3);
		assertThat(halted.totals().failed()).isZero();
		assertThat(connector.installed()).isEmpty();
		assertThat(events(rollout.id())).filteredOn(event -> event.type().equals("HALTED"))
			.singleElement()
			.satisfies(event -> assertThat(event.message()).contains("refused requests as misconfigured")
				.contains("HTTP 401: token refused"));
	}

	@Test
	void aConnectorJustFoundMisconfiguredIsWaitedForAndAvailableIsJournaledOnlyAfterARealAnswer() {
		Fleet fleet = fleet(Map.of("latencyMillis", "5")).withTargets(2);
		ScriptedConnector connector = this.scripted.connector(fleet.connector());
		connector.setMisconfigured(Instant.now());
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 2, "0")), "manager");
		this.rollouts.start(rollout.id(), "operator");
		await().atMost(PATIENCE)
			.until(() -> events(rollout.id()).stream().anyMatch(e -> e.type().equals("CONNECTOR_UNAVAILABLE")));
		assertThat(this.rollouts.get(rollout.id()).state()).isEqualTo(RolloutState.RUNNING);

		connector.setMisconfigured(null);

		awaitState(rollout.id(), RolloutState.SUCCEEDED);
		List<String> types = events(rollout.id()).stream().map(RolloutEvent::type).toList();
		assertThat(types.indexOf("CONNECTOR_AVAILABLE")).isGreaterThan(types.indexOf("TARGET_SUCCEEDED"));
	}

	@Test
	void aConnectorThatThrowsAProgrammingErrorFailsItsTargetAfterTheRetryBudgetAndTheRestGoesOn() {
		Fleet fleet = fleet(Map.of("latencyMillis", "5")).withTargets(3,
				i -> i == 0 ? Map.of("script", "npe") : Map.of());
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 3, "1")), "manager");

		this.rollouts.start(rollout.id(), "operator");

		RolloutView done = awaitState(rollout.id(), RolloutState.COMPLETED_WITH_FAILURES);
		assertThat(done.totals().succeeded()).isEqualTo(2);
		DeploymentView broken = deployment(rollout.id(), 0);
		assertThat(broken.state()).isEqualTo(DeploymentState.FAILED);
		assertThat(broken.cause()).isEqualTo(ResultCause.CONNECTOR_ERROR);
		assertThat(broken.message()).contains("NullPointerException: scripted bug in the connector")
			.contains("gave up after 3 connector errors");
	}

	@Test
	void aRollbackThatFailsEndsRollbackFailedAndTheOthersAreRolledBack() {
		Fleet fleet = fleet(Map.of("latencyMillis", "5")).withTargets(4,
				i -> i == 1 ? Map.of("rollback", "1603") : i == 3 ? Map.of("script", "1603") : Map.of());
		RolloutView rollout = this.rollouts.create(fleet.rollout(wave("all", "100%", 1, "0")), "manager");
		this.rollouts.start(rollout.id(), "operator");
		awaitState(rollout.id(), RolloutState.HALTED);

		this.rollouts.rollback(rollout.id(), "operator");

		RolloutView rolledBack = awaitState(rollout.id(), RolloutState.ROLLED_BACK);
		assertThat(rolledBack.totals().rolledBack()).isEqualTo(2);
		assertThat(deployment(rollout.id(), 1).state()).isEqualTo(DeploymentState.ROLLBACK_FAILED);
		assertThat(deployment(rollout.id(), 1).exitCode()).isEqualTo(1603);
		assertThat(events(rollout.id())).extracting(RolloutEvent::message)
			.contains("Rolled back: 2 targets, 1 failed to roll back");
	}

	@Test
	void aScheduledStartWhoseTimerWasLostHappensAtTheNextHeartbeat() {
		Fleet fleet = fleet(Map.of("latencyMillis", "5")).withTargets(2);
		RolloutView rollout = this.rollouts.create(fleet.rollout(AdvanceMode.AUTO, Duration.ZERO,
				Instant.now().plusSeconds(1), wave("all", "100%", 2, "0")), "manager");
		assertThat(this.rollouts.start(rollout.id(), "operator").state()).isEqualTo(RolloutState.SCHEDULED);

		this.scheduler.cancelAll(rollout.id());

		awaitState(rollout.id(), RolloutState.SUCCEEDED);
		assertThat(events(rollout.id())).extracting(RolloutEvent::message)
			.contains("Rollout started at its scheduled time");
	}

	@Test
	void aBakeWhoseTimerWasLostEndsAtTheNextHeartbeat() {
		Fleet fleet = fleet(Map.of("latencyMillis", "5")).withTargets(2);
		RolloutView rollout = this.rollouts.create(fleet.rollout(AdvanceMode.AUTO, Duration.ofSeconds(1), null,
				wave("canary", "1", 1, "0"), wave("rest", "100%", 1, "0")), "manager");
		this.rollouts.start(rollout.id(), "operator");
		await().atMost(PATIENCE)
			.until(() -> events(rollout.id()).stream().anyMatch(e -> e.type().equals("WAVE_BAKING")));

		this.scheduler.cancelAll(rollout.id());

		awaitState(rollout.id(), RolloutState.SUCCEEDED);
		assertThat(events(rollout.id())).extracting(RolloutEvent::message)
			.contains("Wave 'canary' baked without trouble and succeeded");
	}

	/**
	 * Leaves the rollout as a node that died right after committing its dispatch would:
	 * running, every target dispatched under a key, the lease still held in that node's
	 * name until {@link #expireLease}.
	 */
	private List<InstallRequest> strandAsDispatchedByADeadNode(long rolloutId) {
		Instant past = Instant.now().minusSeconds(60);
		this.jdbc.sql("""
				UPDATE rollout SET state = 'RUNNING', started_at = ?, owner_node = 'dead-node', lease_epoch = 7,
				  lease_until = ? WHERE id = ?""")
			.params(Timestamp.from(past), Timestamp.from(Instant.now().plus(Duration.ofHours(1))), rolloutId)
			.update();
		this.jdbc.sql("UPDATE wave SET state = 'RUNNING', started_at = ? WHERE rollout_id = ?")
			.params(Timestamp.from(past), rolloutId)
			.update();
		Patch patch = this.catalog.find(Fleet.APEX_PATCH).orElseThrow().patch();
		return deployments(rolloutId).stream().map(deployment -> {
			String key = Call.installKey(deployment.id(), 1);
			this.jdbc.sql("""
					UPDATE deployment SET state = 'DISPATCHED', attempts = 1, idempotency_key = ?, dispatched_at = ?
					WHERE id = ?""").params(key, Timestamp.from(past), deployment.id()).update();
			long targetId = this.jdbc.sql("SELECT target_id FROM deployment WHERE id = ?")
				.param(deployment.id())
				.query(Long.class)
				.single();
			return new InstallRequest(key, this.targets.find(targetId).orElseThrow(), patch);
		}).toList();
	}

	private void expireLease(long rolloutId) {
		this.jdbc.sql("UPDATE rollout SET lease_until = ? WHERE id = ?")
			.params(Timestamp.from(Instant.now().minusSeconds(60)), rolloutId)
			.update();
	}

	private String owner(long rolloutId) {
		return this.jdbc.sql("SELECT owner_node FROM rollout WHERE id = ?")
			.param(rolloutId)
			.query(String.class)
			.optional()
			.orElse(null);
	}

	private Fleet fleet(Map<String, String> settings) {
		return new Fleet(this.connectors, this.targetService).withConnector("scripted", settings);
	}

	private RolloutView awaitState(long id, RolloutState state) {
		await().atMost(PATIENCE).until(() -> this.rollouts.get(id).state() == state);
		return this.rollouts.get(id);
	}

	private List<DeploymentView> deployments(long id) {
		return this.rollouts.deployments(id, null, 0, 1000).items();
	}

	private DeploymentView deployment(long id, int index) {
		return deployments(id).stream().sorted((a, b) -> a.target().compareTo(b.target())).toList().get(index);
	}

	private List<RolloutEvent> events(long id) {
		return this.rollouts.events(id, 0, 10_000);
	}

}
