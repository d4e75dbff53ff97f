package dev.patchwave.orchestrator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwave.common.target.LabelSelector;
import dev.patchwave.common.target.Target;
import dev.patchwave.common.wave.FailureThreshold;
import dev.patchwave.common.wave.WaveSize;
import dev.patchwave.orchestrator.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WavePlannerTest {

	private static final Predicate<Target> ALL = target -> true;

	private static final List<String> SITES = List.of("ams1", "fra1", "iad1");

	@Test
	void eachWaveTakesItsShareOfTheTargetsLeftInNameOrder() {
		List<PlannedWave> plan = WavePlanner
			.plan(targets(200), List.of(wave("canary", "5"), wave("early", "25%"), wave("rest", "100%")), ALL)
			.waves();

		assertThat(plan).extracting(wave -> wave.targets().size()).containsExactly(5, 49, 146);
		assertThat(plan.get(0).targets()).extracting(Target::name)
			.containsExactly("host-000", "host-001", "host-002", "host-003", "host-004");
		assertThat(plan.get(1).targets().get(0).name()).isEqualTo("host-005");
		assertThat(plan).extracting(PlannedWave::position).containsExactly(0, 1, 2);
	}

	@Test
	void everyTargetLandsInExactlyOneWave() {
		List<PlannedWave> plan = WavePlanner
			.plan(targets(37), List.of(wave("a", "3"), wave("b", "33%"), wave("c", "100%")), ALL)
			.waves();

		assertThat(plan.stream().flatMap(wave -> wave.targets().stream()).map(Target::name)).hasSize(37)
			.doesNotHaveDuplicates();
	}

	@Test
	void refusesAPlanThatLeavesTargetsOutNamingTheLastWave() {
		assertThatThrownBy(() -> WavePlanner.plan(targets(10), List.of(wave("canary", "2"), wave("early", "50%")), ALL))
			.isInstanceOfSatisfying(InvalidInputException.class,
					ex -> assertThat(ex.problems()).singleElement().satisfies(problem -> {
						assertThat(problem.field()).isEqualTo("waves[1].size");
						assertThat(problem.reason()).contains("only 6 of the 10");
					}));
	}

	@Test
	void refusesAWaveThatWouldGetNoTarget() {
		assertThatThrownBy(() -> WavePlanner.plan(targets(3), List.of(wave("canary", "5"), wave("rest", "100%")), ALL))
			.isInstanceOfSatisfying(InvalidInputException.class,
					ex -> assertThat(ex.problems().get(0).field()).isEqualTo("waves[1].size"));
	}

	@Test
	void aSpreadCanaryTakesOneTargetFromEverySiteBeforeASecondFromAny() {
		// in name order the first 30 hosts are all in one site: a plain canary of 3 would
		// be too
		List<Target> fleet = IntStream.range(0, 90)
			.mapToObj(i -> target(i, Map.of("site", SITES.get(i / 30), "env", i % 10 == 0 ? "staging" : "prod")))
			.toList();

		Plan plan = WavePlanner.plan(fleet, List.of(spread("canary", "3", null, "site"), wave("rest", "100%")), ALL);

		assertThat(plan.waves().get(0).targets()).extracting(target -> target.labels().get("site"))
			.containsExactlyInAnyOrderElementsOf(SITES);
		assertThat(WavePlanner.plan(fleet, List.of(wave("canary", "3"), wave("rest", "100%")), ALL)
			.waves()
			.get(0)
			.targets()).extracting(target -> target.labels().get("site")).containsOnly("ams1");
	}

	@Test
	void aWaveWithASelectorTakesOnlyTargetsItMatchesCountingItsShareAmongThem() {
		List<Target> fleet = IntStream.range(0, 90)
			.mapToObj(i -> target(i, Map.of("site", SITES.get(i / 30), "env", i % 10 == 0 ? "staging" : "prod")))
			.toList();

		Plan plan = WavePlanner.plan(fleet,
				List.of(spread("canary", "50%", "env=staging", "site"), wave("rest", "100%")), ALL);

		assertThat(plan.waves().get(0).targets()).hasSize(5)
			.allSatisfy(target -> assertThat(target.labels()).containsEntry("env", "staging"))
			.extracting(target -> target.labels().get("site"))
			.contains("ams1", "fra1", "iad1");
		assertThat(plan.waves().get(1).targets()).hasSize(85);
	}

	@Test
	void targetsAtTheFixedVersionAlreadyNeverCountTowardAWavesSize() {
		// the first four by name are patched: a canary of 2 must still get two that need
		// it
		List<Target> fleet = targets(10);
		Predicate<Target> needs = target -> target.id() >= 4;

		Plan plan = WavePlanner.plan(fleet, List.of(wave("canary", "2"), wave("half", "50%"), wave("rest", "100%")),
				needs);

		assertThat(plan.waves()).extracting(wave -> wave.targets().size()).containsExactly(2, 2, 2);
		assertThat(plan.needing()).isEqualTo(6);
		assertThat(plan.alreadyPatched()).extracting(Target::name)
			.containsExactly("host-000", "host-001", "host-002", "host-003");
		assertThat(plan.waves()).flatExtracting(PlannedWave::targets).allMatch(needs);
		assertThat(plan.withSkippedInFirstWave().get(0).targets()).hasSize(6);
	}

	@Test
	void refusesToSpreadByALabelNoSelectedTargetHas() {
		assertThatThrownBy(() -> WavePlanner.plan(targets(5), List.of(spread("all", "100%", null, "rack")), ALL))
			.isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.problems()).singleElement()
				.satisfies(problem -> assertThat(problem.field()).isEqualTo("waves[0].spreadBy")));
	}

	private static WaveSpec spread(String name, String size, String selector, String spreadBy) {
		return new WaveSpec(name, WaveSize.parse(size), 5, FailureThreshold.parse("0"), false,
				selector == null ? null : LabelSelector.parse(selector), spreadBy);
	}

	private static Target target(int i, Map<String, String> labels) {
		return new Target(i, "host-%03d".formatted(i), "10.0.0." + i, labels, "sim", null);
	}

	private static WaveSpec wave(String name, String size) {
		return new WaveSpec(name, WaveSize.parse(size), 5, FailureThreshold.parse("0"));
	}

	private static List<Target> targets(int count) {
		return IntStream.range(0, count)
			.map(i -> count - 1 - i)
			.mapToObj(i -> new Target(i, "host-%03d".formatted(i), "10.0.0." + i, Map.of(), "sim", null))
			.toList();
	}

}
