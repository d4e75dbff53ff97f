package dev.patchwave.orchestrator.rollout;

import static dev.patchwave.orchestrator.testsupport.Fleet.wave;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.orchestrator.InvalidInputException;
import dev.patchwave.orchestrator.InvalidInputException.FieldProblem;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.target.TargetService;
import dev.patchwave.orchestrator.testsupport.Fleet;
import dev.patchwave.orchestrator.testsupport.PostgresTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest
@PostgresTest
class RolloutServiceTest {

	@Autowired
	RolloutService rollouts;

	@Autowired
	ConnectorInstances connectors;

	@Autowired
	TargetService targets;

	@Test
	void plansADraftWithFrozenWavesAndJournalsWhoCreatedIt() {
		Fleet fleet = fleet().withTargets(10);

		RolloutView rollout = this.rollouts
			.create(fleet.rollout(wave("canary", "1", 1, "0"), wave("rest", "100%", 4, "10%")), "manager");

		assertThat(rollout.state()).isEqualTo(RolloutState.DRAFT);
		assertThat(rollout.createdBy()).isEqualTo("manager");
		assertThat(rollout.patchTitle()).isEqualTo("Apex Central 2019 Critical Patch Build 7190");
		assertThat(rollout.waves()).extracting(WaveView::targets).containsExactly(1, 9);
		assertThat(rollout.waves().get(1).toleratedFailures()).isZero();
		assertThat(rollout.totals().pending()).isEqualTo(10);
		assertThat(this.rollouts.events(rollout.id(), 0, 10)).singleElement().satisfies(event -> {
			assertThat(event.type()).isEqualTo("CREATED");
			assertThat(event.actor()).isEqualTo("manager");
			assertThat(event.message()).isEqualTo("Planned 10 targets in 2 waves: canary 1, rest 9");
		});
	}

	@Test
	void refusesBadInputNamingEveryFieldAndCreatesNothing() {
		Fleet fleet = fleet().withTargets(3);
		long before = this.rollouts.list(0, 1).total();
		RolloutRequest request = new RolloutRequest(" ", "no-such-patch", fleet.selector(), AdvanceMode.AUTO,
				Duration.ofSeconds(-1), null, List.of(new RolloutRequest.WaveRequest("canary", "0", 0, "101%")));

		assertThatThrownBy(() -> this.rollouts.create(request, "manager")).isInstanceOfSatisfying(
				InvalidInputException.class,
				ex -> assertThat(ex.problems()).extracting(FieldProblem::field)
					.containsExactlyInAnyOrder("name", "patchId", "bakeTime", "waves[0].size",
							"waves[0].maxConcurrency", "waves[0].failureThreshold"));
		assertThat(this.rollouts.list(0, 1).total()).isEqualTo(before);
	}

	@Test
	void refusesASelectorThatMatchesNothing() {
		assertThatThrownBy(() -> this.rollouts.create(new RolloutRequest("nothing", Fleet.APEX_PATCH,
				"run=nobody-has-this", AdvanceMode.AUTO, null, null, List.of(wave("all", "100%", 1, "0"))), "manager"))
			.isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.problems()).singleElement()
				.isEqualTo(new FieldProblem("selector", "'run=nobody-has-this' matches no target")));
	}

	@Test
	void refusesDuplicateWaveNames() {
		Fleet fleet = fleet().withTargets(3);

		assertThatThrownBy(() -> this.rollouts
			.create(fleet.rollout(wave("same", "1", 1, "0"), wave("same", "100%", 1, "0")), "manager"))
			.isInstanceOfSatisfying(InvalidInputException.class,
					ex -> assertThat(ex.problems()).extracting(FieldProblem::field).containsExactly("waves[1].name"));
	}

	@Test
	void aLargeRolloutIsShownAtOnceAndItsProjectionFollowsFromTheBackground() {
		int targets = RolloutOutlooks.PROJECT_IN_BACKGROUND_FROM + 1;
		// registered in two requests: one takes at most 10,000
		Fleet fleet = fleet().withTargets(0, targets - 1, i -> Map.of()).withTargets(targets - 1, 1, i -> Map.of());
		long id = this.rollouts.create(fleet.rollout(wave("all", "100%", 500, "0")), "manager").id();

		RolloutView first = this.rollouts.detail(id);
		assertThat(first.totals().pending()).isEqualTo(targets);
		assertThat(first.projection()).as("not waited for").isNull();

		Projection projection = await().atMost(Duration.ofMinutes(1))
			.until(() -> this.rollouts.detail(id).projection(), Objects::nonNull);
		assertThat(projection.finish()).isAfter(projection.from());
	}

	private Fleet fleet() {
		return new Fleet(this.connectors, this.targets).withConnector("scripted", Map.of());
	}

}
