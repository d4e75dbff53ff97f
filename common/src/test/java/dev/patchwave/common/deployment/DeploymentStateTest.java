package dev.patchwave.common.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwave.common.state.IllegalTransitionException;
import org.junit.jupiter.api.Test;

class DeploymentStateTest {

	@Test
	void pendingDeploymentIsDispatchedThenSettles() {
		assertThat(DeploymentState.PENDING.moveTo(DeploymentState.DISPATCHED).moveTo(DeploymentState.FAILED))
			.isEqualTo(DeploymentState.FAILED);
	}

	@Test
	void failedDeploymentCanBeDispatchedAgain() {
		assertThat(DeploymentState.FAILED.moveTo(DeploymentState.DISPATCHED)).isEqualTo(DeploymentState.DISPATCHED);
	}

	@Test
	void succeededDeploymentIsNeverDispatchedAgain() {
		assertThatThrownBy(() -> DeploymentState.SUCCEEDED.moveTo(DeploymentState.DISPATCHED))
			.isInstanceOf(IllegalTransitionException.class)
			.hasMessageContaining("SUCCEEDED to DISPATCHED");
	}

	@Test
	void onlyASucceededDeploymentIsRolledBackAndTheRollbackSettlesEitherWay() {
		assertThat(DeploymentState.SUCCEEDED.moveTo(DeploymentState.ROLLING_BACK).moveTo(DeploymentState.ROLLED_BACK))
			.isEqualTo(DeploymentState.ROLLED_BACK);
		assertThat(DeploymentState.ROLLING_BACK.moveTo(DeploymentState.ROLLBACK_FAILED))
			.isEqualTo(DeploymentState.ROLLBACK_FAILED);
		assertThatThrownBy(() -> DeploymentState.PENDING.moveTo(DeploymentState.ROLLING_BACK))
			.isInstanceOf(IllegalTransitionException.class);
	}

	@Test
	void dispatchedDeploymentCannotBeSkipped() {
		assertThat(DeploymentState.transitions().isAllowed(DeploymentState.DISPATCHED, DeploymentState.SKIPPED))
			.isFalse();
	}

	@Test
	void rebootPendingAndSkippedByAnOperatorStayExposedAndOnlyAVerifiedInstallOrAnAlreadyFixedHostIsNot() {
		assertThat(DeploymentState.DISPATCHED.moveTo(DeploymentState.REBOOT_PENDING).moveTo(DeploymentState.SUCCEEDED))
			.isEqualTo(DeploymentState.SUCCEEDED);
		assertThat(DeploymentState.FAILED.moveTo(DeploymentState.EXCLUDED)).isEqualTo(DeploymentState.EXCLUDED);
		assertThat(DeploymentState.values()).filteredOn(state -> !state.isExposed())
			.containsExactlyInAnyOrder(DeploymentState.SUCCEEDED, DeploymentState.SKIPPED);
	}

}
