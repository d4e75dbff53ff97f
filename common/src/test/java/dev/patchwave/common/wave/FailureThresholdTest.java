package dev.patchwave.common.wave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FailureThresholdTest {

	@ParameterizedTest
	@CsvSource({ "0, 50, 0", "2, 50, 2", "10%, 50, 5", "10%, 19, 1", "10%, 9, 0", "100%, 8, 8" })
	void toleratesCountOrRoundedDownPercentageOfWave(String threshold, int waveSize, int tolerated) {
		assertThat(FailureThreshold.parse(threshold).toleratedFailures(waveSize)).isEqualTo(tolerated);
	}

	@Test
	void zeroThresholdIsBreachedByTheFirstFailure() {
		FailureThreshold none = FailureThreshold.parse("0");
		assertThat(none.isBreachedBy(0, 10)).isFalse();
		assertThat(none.isBreachedBy(1, 10)).isTrue();
	}

	@Test
	void percentageThresholdIsBreachedOnlyPastTheToleratedCount() {
		FailureThreshold tenPercent = FailureThreshold.parse("10%");
		assertThat(tenPercent.isBreachedBy(2, 20)).isFalse();
		assertThat(tenPercent.isBreachedBy(3, 20)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "101%", "-1", "lots", "" })
	void rejectsThresholdsThatMakeNoSense(String threshold) {
		assertThatThrownBy(() -> FailureThreshold.parse(threshold)).isInstanceOf(IllegalArgumentException.class);
	}

}
