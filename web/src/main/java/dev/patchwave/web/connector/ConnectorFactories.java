package dev.patchwave.web.connector;

import dev.patchwave.connectors.simulator.SimulatorConnectorFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The deployment systems this application can drive; the orchestrator collects them into its registry. */
@Configuration(proxyBeanMethods = false)
class ConnectorFactories {

	@Bean
	SimulatorConnectorFactory simulatorConnectorFactory() {
		return new SimulatorConnectorFactory();
	}

}
