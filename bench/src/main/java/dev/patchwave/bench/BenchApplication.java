package dev.patchwave.bench;

import dev.patchwave.connectors.simulator.SimulatorConnectorFactory;
import dev.patchwave.connectors.ssh.SshConnectorFactory;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.rollout.RolloutService;
import dev.patchwave.orchestrator.rollout.RolloutStore;
import dev.patchwave.orchestrator.target.TargetService;
import dev.patchwave.orchestrator.OrchestratorConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The orchestrator alone, driving simulated fleets and a real OpenSSH fleet on loopback,
 * to measure how fast the engine and the ssh connector run rollouts. It runs its
 * scenarios, prints what it measured and exits: with 1 when a scenario did not finish
 * cleanly.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableConfigurationProperties(BenchProperties.class)
@Import({ OrchestratorConfiguration.class, Bench.class })
public class BenchApplication {

	@Bean
	SimulatorConnectorFactory simulatorConnectorFactory() {
		return new SimulatorConnectorFactory();
	}

	@Bean
	SshConnectorFactory sshConnectorFactory() {
		return new SshConnectorFactory();
	}

	@Bean
	SshBench sshBench(ConnectorInstances connectors, TargetService targets, RolloutService rollouts, RolloutStore store,
			BenchProperties properties) {
		return new SshBench(connectors, targets, rollouts, store, properties.timeout());
	}

	public static void main(String[] args) {
		System.exit(SpringApplication.exit(SpringApplication.run(BenchApplication.class, args)));
	}

}
