package dev.patchwave.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The ssh bench's scenario on a small real OpenSSH fleet, so that the bench cannot rot
 * between runs: correctness only, never timing, which is measured by running the bench.
 * Needs root and {@code /usr/sbin/sshd}, as the connector's own tests do.
 */
@SpringBootTest(classes = BenchApplication.class, properties = "bench.suites=none")
class SshBenchSmokeTest {

	@Autowired
	private SshBench bench;

	@Test
	void everyHostIsInstalledAndRolledBackExactlyOnceWithOneCommandEachInTwoRollouts() throws Exception {
		List<SshMeasurement> rollouts = this.bench.measure("smoke", SshScenario.of("8x4"), 2, false);

		assertThat(rollouts).hasSize(2).allSatisfy(rollout -> {
			assertThat(rollout.problems()).isEmpty();
			assertThat(rollout.install()).isNotNull();
			assertThat(rollout.rollback()).isNotNull();
			assertThat(rollout.commands()).isEqualTo(8);
			assertThat(rollout.rollbackCommands()).isEqualTo(8);
		});
	}

}
