package dev.patchwave.common.wave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WaveSizeTest {

	@ParameterizedTest
	@CsvSource({ "5, 200, 5", "25%, 200, 50", "25%, 10, 3", "1%, 7, 1", "100%, 37, 37", "50, 20, 20" })
	void takesCountOrRoundedUpPercentageOfRemainingTargets(String size, int remaining, int expected) {
		assertThat(WaveSize.parse(size).of(remaining)).isEqualTo(expected);
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "0%", "-3", "101%", "five", "", "5%%" })
	void rejectsSizesThatTakeNothingOrMakeNoSense(String size) {
		assertThatThrownBy(() -> WaveSize.parse(size)).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void printsAsItWasWritten() {
		assertThat(WaveSize.parse(" 25% ")).hasToString("25%");
	}

}
