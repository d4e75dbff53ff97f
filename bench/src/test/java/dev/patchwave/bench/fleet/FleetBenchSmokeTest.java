package dev.patchwave.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwave.bench.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fleet bench on a small fleet, so that it cannot rot between runs: the packaged
 * application started as its own JVM on a throwaway PostgreSQL database, the fleet
 * imported as CSV, the rollout created and run through the API while clients read with a
 * token. Correctness only, never timing, which is measured by running the bench.
 */
class FleetBenchSmokeTest {

	@Test
	void aFleetImportedAsCsvIsRolledOutThroughTheApiWhileClientsReadIt() throws Exception {
		Scenario scenario = Scenario.of("300x50@100ms");
		FleetBench bench = new FleetBench(new FleetBench.Settings(List.of(scenario), 4, Duration.ZERO, "384m",
				Path.of("../web/target/patchwave.jar"), "", Duration.ofMinutes(3), List.of()));

		List<FleetMeasurement> measurements = bench.measure(List.of(scenario));

		assertThat(measurements).singleElement().satisfies(measurement -> {
			assertThat(measurement.problems()).isEmpty();
			assertThat(measurement.state()).isEqualTo("SUCCEEDED");
			assertThat(measurement.succeeded()).isEqualTo(300);
			assertThat(measurement.actual()).isPositive();
			assertThat(measurement.reads()).hasSize(2)
				.allSatisfy((path, latencies) -> assertThat(latencies.count()).as(path).isPositive());
		});
	}

}
