package dev.patchwave.orchestrator.testsupport;

import java.util.Map;
import java.util.Objects;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Points {@code spring.datasource.*} at the {@link TestDatabase}, over anything the
 * test's own configuration says. Use it through {@link PostgresTest} or
 * {@code @ContextConfiguration(initializers = PostgresTestDatabaseInitializer.class)}.
 */
public class PostgresTestDatabaseInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		TestDatabase database = TestDatabase.postgres();
		// an empty username or password still hides one configured elsewhere, and Spring
		// Boot reads it as none
		Map<String, Object> properties = Map.of("spring.datasource.url", database.jdbcUrl(),
				"spring.datasource.username", Objects.requireNonNullElse(database.username(), ""),
				"spring.datasource.password", Objects.requireNonNullElse(database.password(), ""),
				"spring.datasource.driver-class-name", "org.postgresql.Driver");
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("patchwaveTestDatabase", properties));
	}

}
