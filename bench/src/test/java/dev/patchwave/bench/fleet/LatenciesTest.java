package dev.patchwave.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LatenciesTest {

	private static final long START = 1_000_000_000L;

	@Test
	void slowReadsArePlacedInTheOpeningOrAfterItAndThePercentileAfterTheOpeningLeavesTheOpeningOut() {
		Latencies latencies = new Latencies(100, START);
		// in the opening: two slow reads and one quick one
		latencies.record(START, millis(900), true);
		latencies.record(START + millis(2_000), millis(300), true);
		latencies.record(START + millis(3_000), millis(2), true);
		// after it: one slow read among quick ones
		for (int i = 0; i < 9; i++) {
			latencies.record(START + millis(20_000 + i), millis(1 + i), true);
		}
		latencies.record(START + millis(30_000), millis(80), false);

		assertThat(latencies.count()).isEqualTo(13);
		assertThat(latencies.errors()).isOne();
		assertThat(latencies.slow()).isEqualTo(3);
		assertThat(latencies.slowInOpening()).isEqualTo(2);
		assertThat(latencies.percentile(100)).isEqualTo(Duration.ofMillis(900));
		assertThat(latencies.percentileAfterOpening(100)).isEqualTo(Duration.ofMillis(80));
		assertThat(latencies.percentileAfterOpening(50)).isEqualTo(Duration.ofMillis(5));
	}

	private static long millis(long millis) {
		return Duration.ofMillis(millis).toNanos();
	}

}
