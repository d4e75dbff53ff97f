package dev.patchwave.web.connector;

import dev.patchwave.connectors.awx.AwxConnectorFactory;
import dev.patchwave.connectors.simulator.SimulatorConnectorFactory;
import dev.patchwave.connectors.ssh.SshConnectorFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The deployment systems this application can drive; the orchestrator collects them into
 * its registry.
 */
@Configuration(proxyBeanMethods = false)
class ConnectorFactories {

	@Bean
	SimulatorConnectorFactory simulatorConnectorFactory() {
		return new SimulatorConnectorFactory();
	}

	@Bean
	SshConnectorFactory sshConnectorFactory() {
		return new SshConnectorFactory();
	}

	@Bean
	AwxConnectorFactory awxConnectorFactory() {
		return new AwxConnectorFactory();
	}

}
