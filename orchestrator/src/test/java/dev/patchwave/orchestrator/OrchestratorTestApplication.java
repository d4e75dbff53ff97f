package dev.patchwave.orchestrator;

import dev.patchwave.orchestrator.testsupport.ScriptedConnectorFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The orchestrator alone, with a scripted connector standing in for a deployment system.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(OrchestratorConfiguration.class)
public class OrchestratorTestApplication {

	@Bean
	ScriptedConnectorFactory scriptedConnectorFactory() {
		return new ScriptedConnectorFactory();
	}

}
