package dev.patchwave.orchestrator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwave.common.target.Target;
import dev.patchwave.common.wave.FailureThreshold;
import dev.patchwave.common.wave.WaveSize;
import dev.patchwave.orchestrator.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WavePlannerTest {

	@Test
	void eachWaveTakesItsShareOfTheTargetsLeftInNameOrder() {
		List<PlannedWave> plan = WavePlanner.plan(targets(200),
				List.of(wave("canary", "5"), wave("early", "25%"), wave("rest", "100%")));

		assertThat(plan).extracting(wave -> wave.targets().size()).containsExactly(5, 49, 146);
		assertThat(plan.get(0).targets()).extracting(Target::name)
			.containsExactly("host-000", "host-001", "host-002", "host-003", "host-004");
		assertThat(plan.get(1).targets().get(0).name()).isEqualTo("host-005");
		assertThat(plan).extracting(PlannedWave::position).containsExactly(0, 1, 2);
	}

	@Test
	void everyTargetLandsInExactlyOneWave() {
		List<PlannedWave> plan = WavePlanner.plan(targets(37),
				List.of(wave("a", "3"), wave("b", "33%"), wave("c", "100%")));

		assertThat(plan.stream().flatMap(wave -> wave.targets().stream()).map(Target::name)).hasSize(37)
			.doesNotHaveDuplicates();
	}

	@Test
	void refusesAPlanThatLeavesTargetsOutNamingTheLastWave() {
		assertThatThrownBy(() -> WavePlanner.plan(targets(10), List.of(wave("canary", "2"), wave("early", "50%"))))
			.isInstanceOfSatisfying(InvalidInputException.class,
					ex -> assertThat(ex.problems()).singleElement().satisfies(problem -> {
						assertThat(problem.field()).isEqualTo("waves[1].size");
						assertThat(problem.reason()).contains("only 6 of the 10");
					}));
	}

	@Test
	void refusesAWaveThatWouldGetNoTarget() {
		assertThatThrownBy(() -> WavePlanner.plan(targets(3), List.of(wave("canary", "5"), wave("rest", "100%"))))
			.isInstanceOfSatisfying(InvalidInputException.class,
					ex -> assertThat(ex.problems().get(0).field()).isEqualTo("waves[1].size"));
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
