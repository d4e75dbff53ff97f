package dev.patchwave.orchestrator;

import dev.patchwave.common.connector.ConnectorFactory;
import dev.patchwave.common.connector.ConnectorRegistry;
import dev.patchwave.orchestrator.connector.ProbeProperties;
import dev.patchwave.orchestrator.connector.SecretsProperties;
import dev.patchwave.orchestrator.engine.EngineProperties;
import dev.patchwave.orchestrator.patch.ExposureProperties;
import dev.patchwave.orchestrator.plan.PlanningProperties;
import dev.patchwave.orchestrator.rollout.RolloutReadProperties;
import java.time.Clock;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;

/**
 * The orchestrator's beans. The application that imports it supplies a DataSource and the
 * connector factories it wants; the orchestrator brings its migrations, its Quartz
 * settings and the engine.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan
@EnableConfigurationProperties({ EngineProperties.class, SecretsProperties.class, ProbeProperties.class,
		PlanningProperties.class, ExposureProperties.class, RolloutReadProperties.class })
@PropertySource("classpath:patchwave-orchestrator.properties")
public class OrchestratorConfiguration {

	@Bean
	ConnectorRegistry connectorRegistry(List<ConnectorFactory> factories) {
		return new ConnectorRegistry(factories);
	}

	@Bean
	static PostgresBatchInserts postgresBatchInserts() {
		return new PostgresBatchInserts();
	}

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}
