package dev.patchwave.web;

import dev.patchwave.orchestrator.OrchestratorConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** Patchwave: the API, the dashboard and the engine in one application. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(OrchestratorConfiguration.class)
public class PatchwaveApplication {

	public static void main(String[] args) {
		SpringApplication.run(PatchwaveApplication.class, args);
	}

}
