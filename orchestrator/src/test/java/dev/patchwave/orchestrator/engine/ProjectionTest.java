package dev.patchwave.orchestrator.engine;

import static dev.patchwave.orchestrator.testsupport.Fleet.wave;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.rollout.Projection;
import dev.patchwave.orchestrator.rollout.RolloutPreview;
import dev.patchwave.orchestrator.rollout.RolloutRequest;
import dev.patchwave.orchestrator.rollout.RolloutService;
import dev.patchwave.orchestrator.rollout.RolloutView;
import dev.patchwave.orchestrator.target.TargetService;
import dev.patchwave.orchestrator.testsupport.Fleet;
import dev.patchwave.orchestrator.testsupport.PostgresTest;
import dev.patchwave.orchestrator.window.WindowKind;
import dev.patchwave.orchestrator.window.WindowRequest;
import dev.patchwave.orchestrator.window.WindowService;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The projected timeline: checked against a real run, against a deadline it misses, and
 * for a running rollout from where it stands.
 */
@SpringBootTest
@PostgresTest
class ProjectionTest {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	@Autowired
	RolloutService rollouts;

	@Autowired
	WindowService windows;

	@Autowired
	ConnectorInstances connectors;

	@Autowired
	TargetService targets;

	@Test
	void thePreviewsProjectedFinishIsWithinFifteenPercentOfTheActualRun() {
		Fleet fleet = new Fleet(this.connectors, this.targets)
			.withConnector("scripted", Map.of("latencyMillis", "1500"))
			.withTargets(3, i -> Map.of("batch", "history"));
		// a few installs first, so the projection uses the connector's observed install
		// time
		RolloutView history = this.rollouts.create(new RolloutRequest("history " + fleet.run(), Fleet.APEX_PATCH,
				fleet.selector() + ",batch=history", null, null, null, List.of(wave("all", "100%", 1, "0"))),
				"manager");
		this.rollouts.start(history.id(), "operator");
		awaitState(history.id(), RolloutState.SUCCEEDED);
		fleet.withTargets(3, 50, i -> Map.of("batch", "main"));
		RolloutRequest request = new RolloutRequest("main " + fleet.run(), Fleet.APEX_PATCH,
				fleet.selector() + ",batch=main", AdvanceMode.AUTO, Duration.ofSeconds(3), null,
				List.of(wave("canary", "2", 1, "0"), wave("rest", "100%", 6, "0")));
		long rolloutsBefore = this.rollouts.list(0, 1).total();

		RolloutPreview preview = this.rollouts.preview(request);

		assertThat(this.rollouts.list(0, 1).total()).as("the preview creates nothing").isEqualTo(rolloutsBefore);
		assertThat(preview.waves()).extracting(RolloutPreview.PreviewWave::targets).containsExactly(2, 48);
		Projection projected = preview.projection();
		assertThat(projected.installTimes().get(fleet.connector()).samples()).isEqualTo(3);
		Duration projectedRun = Duration.between(projected.from(), projected.finish());
		Instant started = Instant.now();
		RolloutView rollout = this.rollouts.create(request, "manager");
		this.rollouts.start(rollout.id(), "operator");
		RolloutView done = awaitState(rollout.id(), RolloutState.SUCCEEDED);
		Duration actualRun = Duration.between(started, done.finishedAt());

		double error = Math.abs(projectedRun.toMillis() - actualRun.toMillis()) / (double) actualRun.toMillis();
		System.out.printf("Projected %d ms, actual %d ms: %.1f%% off%n", projectedRun.toMillis(), actualRun.toMillis(),
				error * 100);
		assertThat(error).as("projected %s, actual %s", projectedRun, actualRun).isLessThanOrEqualTo(0.15);
	}

	@Test
	void aMissedDeadlineSuggestsTheSmallestConcurrencyAndAWindowThatWouldMeetIt() {
		Fleet fleet = new Fleet(this.connectors, this.targets).withConnector("scripted", Map.of("latencyMillis", "10"))
			.withTargets(20);
		Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		// 20 installs of the estimated second one at a time take 20 s; 4 at a time 5 s
		RolloutRequest oneAtATime = new RolloutRequest("late " + fleet.run(), Fleet.APEX_PATCH, fleet.selector(), null,
				null, null, List.of(wave("all", "100%", 1, "0")), null, null, now.plusSeconds(7));

		Projection missed = this.rollouts.preview(oneAtATime).projection();

		assertThat(missed.meetsDeadline()).isFalse();
		assertThat(Duration.between(missed.from(), missed.finish())).isEqualTo(Duration.ofSeconds(20));
		assertThat(missed.suggestions()).anySatisfy(suggestion -> {
			// between 6 and 7 s are left: 5 rounds of 4 fit, 7 rounds of 3 do not
			assertThat(suggestion.maxConcurrency()).isEqualTo(4);
			assertThat(suggestion.finish()).isBeforeOrEqualTo(now.plusSeconds(7));
		});

		String tomorrow = "tomorrow-" + fleet.run();
		String tonight = "soon-" + fleet.run();
		this.windows.create(new WindowRequest(tomorrow, WindowKind.WINDOW, null, now.plus(Duration.ofDays(1)),
				Duration.ofHours(2), null, null), "manager");
		this.windows.create(new WindowRequest(tonight, WindowKind.WINDOW, null, now.plus(Duration.ofMinutes(10)),
				Duration.ofHours(1), null, null), "manager");
		Projection inWindow = this.rollouts
			.preview(new RolloutRequest("windowed " + fleet.run(), Fleet.APEX_PATCH, fleet.selector(), null, null, null,
					List.of(wave("all", "100%", 5, "0")), null, List.of(tomorrow), now.plus(Duration.ofHours(12))))
			.projection();

		assertThat(inWindow.meetsDeadline()).isFalse();
		assertThat(inWindow.waves().get(0).start()).isEqualTo(now.plus(Duration.ofDays(1)));
		assertThat(inWindow.suggestions()).anySatisfy(suggestion -> {
			assertThat(suggestion.window()).isEqualTo(tonight);
			assertThat(suggestion.finish()).isEqualTo(now.plus(Duration.ofMinutes(10)).plusSeconds(4));
		});
	}

	@Test
	void aRolloutIsGivenTheDeadlineItsPatchsHighestCvssCallsForAndARunningOneShowsItsProjection() {
		Fleet fleet = new Fleet(this.connectors, this.targets).withConnector("scripted", Map.of("gated", "true"))
			.withTargets(6);
		RolloutView rollout = this.rollouts
			.create(fleet.rollout(wave("canary", "2", 2, "0"), wave("rest", "100%", 2, "0")), "manager");

		assertThat(rollout.deadline()).isEqualTo(rollout.createdAt().plus(Duration.ofDays(7)));
		assertThat(rollout.deadlineReason()).contains("CVE-2025-69258", "9.8");
		this.rollouts.start(rollout.id(), "operator");
		await().atMost(PATIENCE).until(() -> this.rollouts.get(rollout.id()).totals().dispatched() == 2);

		Projection running = this.rollouts.detail(rollout.id()).projection();

		// two in flight for a second from their dispatch, then two rounds of two
		assertThat(running.meetsDeadline()).isTrue();
		assertThat(running.waves()).extracting(wave -> wave.targets()).containsExactly(2, 4);
		assertThat(running.waves().get(0).start())
			.isEqualTo(this.rollouts.get(rollout.id()).waves().get(0).startedAt());
		assertThat(Duration.between(running.from(), running.finish()).toMillis()).isCloseTo(3000, within(1000L));
		this.rollouts.abort(rollout.id(), "operator");
		assertThat(this.rollouts.detail(rollout.id()).projection()).as("none once ended").isNull();
	}

	private RolloutView awaitState(long id, RolloutState state) {
		await().atMost(PATIENCE).until(() -> this.rollouts.get(id).state() == state);
		return this.rollouts.get(id);
	}

}
