package dev.patchwave.orchestrator.rollout;

import static dev.patchwave.orchestrator.testsupport.Fleet.wave;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.target.TargetService;
import dev.patchwave.orchestrator.testsupport.Fleet;
import dev.patchwave.orchestrator.testsupport.PostgresTest;
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
	void aPolledRolloutIsServedFromMemoryAndACommandIsSeenByTheNextRead() {
		// installs held, so the rollout still runs when it is paused
		RolloutRequest request = fleet(Map.of("gated", "true")).rollout(wave("all", "100%", 2, "0"));
		long id = this.rollouts.create(request, "manager").id();
		assertThat(this.rollouts.detail(id).name()).isEqualTo(request.name());

		// as another node would: straight into the database, with no word to this one
		this.jdbc.sql("UPDATE rollout SET name = 'renamed elsewhere' WHERE id = ?").param(id).update();
		assertThat(this.rollouts.detail(id).name()).as("served from memory").isEqualTo(request.name());
		assertThat(this.rollouts.get(id).name()).as("read live").isEqualTo("renamed elsewhere");

		this.rollouts.start(id, "operator");
		RolloutView started = this.rollouts.detail(id);
		assertThat(started.state()).as("read at once after the start").isNotEqualTo(RolloutState.DRAFT);
		assertThat(started.name()).as("built again after the start").isEqualTo("renamed elsewhere");

		this.jdbc.sql("UPDATE rollout SET name = 'renamed again' WHERE id = ?").param(id).update();
		this.rollouts.pause(id, "operator");
		assertThat(this.rollouts.detail(id).name()).as("built again after the pause").isEqualTo("renamed again");
	}

	@Test
	void aDraftReplannedOrDeletedIsSeenByTheNextRead() {
		Fleet fleet = fleet(Map.of());
		long id = this.rollouts.create(fleet.rollout(wave("all", "100%", 2, "0")), "manager").id();
		assertThat(this.rollouts.detail(id).waves()).extracting(WaveView::name).containsExactly("all");

		this.rollouts.replace(id, fleet.rollout(wave("canary", "1", 1, "0"), wave("rest", "100%", 2, "0")), "manager");
		assertThat(this.rollouts.detail(id).waves()).extracting(WaveView::name).containsExactly("canary", "rest");

		this.rollouts.delete(id, "manager");
		assertThatThrownBy(() -> this.rollouts.detail(id)).isInstanceOf(NotFoundException.class);
	}

	private Fleet fleet(Map<String, String> connector) {
		return new Fleet(this.connectors, this.targets).withConnector("scripted", connector).withTargets(3);
	}

}
