package dev.patchwave.common.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwave.common.state.IllegalTransitionException;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RolloutStateTest {

	@Test
	void runningRolloutCanPauseHaltSucceedCompleteWithFailuresOrAbort() {
		assertThat(RolloutState.transitions().next(RolloutState.RUNNING)).containsExactlyInAnyOrder(RolloutState.PAUSED,
				RolloutState.HALTED, RolloutState.SUCCEEDED, RolloutState.COMPLETED_WITH_FAILURES,
				RolloutState.ABORTED);
	}

	@Test
	void pausedAndHaltedRolloutsResumeToRunning() {
		assertThat(RolloutState.PAUSED.moveTo(RolloutState.RUNNING)).isEqualTo(RolloutState.RUNNING);
		assertThat(RolloutState.HALTED.moveTo(RolloutState.RUNNING)).isEqualTo(RolloutState.RUNNING);
	}

	@Test
	void draftCannotBePausedAndSaysWhy() {
		assertThatThrownBy(() -> RolloutState.DRAFT.moveTo(RolloutState.PAUSED))
			.isInstanceOf(IllegalTransitionException.class)
			.hasMessage("RolloutState cannot go from DRAFT to PAUSED");
	}

	@ParameterizedTest
	@EnumSource(value = RolloutState.class, names = { "SUCCEEDED", "ABORTED", "ROLLED_BACK" })
	void finalStatesAllowNoMove(RolloutState state) {
		assertThat(state.isFinal()).isTrue();
		for (RolloutState next : RolloutState.values()) {
			assertThat(RolloutState.transitions().isAllowed(state, next)).as("%s -> %s", state, next).isFalse();
		}
	}

	@ParameterizedTest
	@EnumSource(value = RolloutState.class, names = { "SUCCEEDED", "ABORTED", "ROLLED_BACK" },
			mode = EnumSource.Mode.EXCLUDE)
	void everyUnfinishedRolloutCanBeAborted(RolloutState state) {
		assertThat(state.moveTo(RolloutState.ABORTED)).isEqualTo(RolloutState.ABORTED);
	}

	@Test
	void onlyAHaltedOrPausedRolloutCanBeRolledBack() {
		assertThat(RolloutState.HALTED.moveTo(RolloutState.ROLLING_BACK).moveTo(RolloutState.ROLLED_BACK))
			.isEqualTo(RolloutState.ROLLED_BACK);
		assertThat(RolloutState.PAUSED.moveTo(RolloutState.ROLLING_BACK)).isEqualTo(RolloutState.ROLLING_BACK);
		assertThatThrownBy(() -> RolloutState.RUNNING.moveTo(RolloutState.ROLLING_BACK))
			.isInstanceOf(IllegalTransitionException.class);
		assertThatThrownBy(() -> RolloutState.SUCCEEDED.moveTo(RolloutState.ROLLING_BACK))
			.isInstanceOf(IllegalTransitionException.class);
	}

	@Test
	void onlyRunningRolloutsDispatch() {
		EnumSet<RolloutState> dispatching = EnumSet.noneOf(RolloutState.class);
		for (RolloutState state : RolloutState.values()) {
			if (state.dispatches()) {
				dispatching.add(state);
			}
		}
		assertThat(dispatching).containsExactly(RolloutState.RUNNING);
	}

}
