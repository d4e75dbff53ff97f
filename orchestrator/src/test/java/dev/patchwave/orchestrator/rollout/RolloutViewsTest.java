package dev.patchwave.orchestrator.rollout;

import static dev.patchwave.orchestrator.testsupport.Fleet.wave;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.target.TargetService;
import dev.patchwave.orchestrator.testsupport.Fleet;
import dev.patchwave.orchestrator.testsupport.PostgresTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A polled rollout is served from memory and renewed when it changes here: kept for an
 * hour in these tests, so only a change can renew it. The context is closed afterwards:
 * left running, its engine would be a second node beside the other tests' one, free to
 * take over their rollouts with connectors those tests do not hold.
 */
@SpringBootTest(properties = "patchwave.rollout-reads.fresh-for=PT1H")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@PostgresTest
class RolloutViewsTest {

	@Autowired
	RolloutService rollouts;

	@Autowired
	ConnectorInstances connectors;

	@Autowired
	TargetService targets;

	@Autowired
	JdbcClient jdbc;

	@Test
	void aPolledRolloutIsServedFromMemoryAndBuiltAgainWhenItChangesOnThisNode() {
		RolloutRequest request = fleet().rollout(wave("all", "100%", 2, "0"));
		long id = this.rollouts.create(request, "manager").id();
		assertThat(this.rollouts.detail(id).name()).isEqualTo(request.name());

		// as another node would: straight into the database, with no word to this one
		this.jdbc.sql("UPDATE rollout SET name = 'renamed elsewhere' WHERE id = ?").param(id).update();
		assertThat(this.rollouts.detail(id).name()).as("served from memory").isEqualTo(request.name());
		assertThat(this.rollouts.get(id).name()).as("read live").isEqualTo("renamed elsewhere");

		this.rollouts.start(id, "operator");
		RolloutView started = await().atMost(Duration.ofSeconds(30))
			.until(() -> this.rollouts.detail(id), view -> view.state() != RolloutState.DRAFT);
		assertThat(started.name()).as("built again after the start").isEqualTo("renamed elsewhere");
	}

	@Test
	void aDraftReplannedOrDeletedIsSeenAsSoonAsItIsBuiltAgain() {
		Fleet fleet = fleet();
		long id = this.rollouts.create(fleet.rollout(wave("all", "100%", 2, "0")), "manager").id();
		assertThat(this.rollouts.detail(id).waves()).extracting(WaveView::name).containsExactly("all");

		this.rollouts.replace(id, fleet.rollout(wave("canary", "1", 1, "0"), wave("rest", "100%", 2, "0")), "manager");
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.rollouts.detail(id).waves()).extracting(WaveView::name)
				.containsExactly("canary", "rest"));

		this.rollouts.delete(id, "manager");
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(
					() -> assertThatThrownBy(() -> this.rollouts.detail(id)).isInstanceOf(NotFoundException.class));
	}

	private Fleet fleet() {
		return new Fleet(this.connectors, this.targets).withConnector("scripted", Map.of()).withTargets(3);
	}

}
