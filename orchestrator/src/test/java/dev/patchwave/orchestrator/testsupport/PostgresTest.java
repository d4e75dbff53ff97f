package dev.patchwave.orchestrator.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.context.ContextConfiguration;

/**
 * Runs a Spring test against the {@link TestDatabase}; goes alongside
 * {@code @SpringBootTest}, which still finds the application's configuration as usual.
 * Every such test ends by checking the waves' tallies against their deployments.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ContextConfiguration(initializers = PostgresTestDatabaseInitializer.class)
@ExtendWith(TalliesMatchDeployments.class)
public @interface PostgresTest {

}
