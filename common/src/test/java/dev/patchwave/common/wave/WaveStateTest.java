package dev.patchwave.common.wave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwave.common.state.IllegalTransitionException;
import org.junit.jupiter.api.Test;

class WaveStateTest {

	@Test
	void waveRunsThenBakesThenSucceeds() {
		WaveState state = WaveState.PENDING.moveTo(WaveState.RUNNING)
			.moveTo(WaveState.BAKING)
			.moveTo(WaveState.SUCCEEDED);
		assertThat(state).isEqualTo(WaveState.SUCCEEDED);
		assertThat(WaveState.transitions().next(state)).containsExactly(WaveState.ROLLED_BACK);
	}

	@Test
	void aWaveNeedingApprovalWaitsForItBeforeItRuns() {
		assertThat(WaveState.PENDING.moveTo(WaveState.AWAITING_APPROVAL).moveTo(WaveState.RUNNING))
			.isEqualTo(WaveState.RUNNING);
	}

	@Test
	void pendingWaveCannotSucceedWithoutRunning() {
		assertThatThrownBy(() -> WaveState.PENDING.moveTo(WaveState.SUCCEEDED))
			.isInstanceOf(IllegalTransitionException.class);
	}

	@Test
	void haltedWaveCanResume() {
		assertThat(WaveState.HALTED.moveTo(WaveState.RUNNING)).isEqualTo(WaveState.RUNNING);
	}

}
