package dev.patchwave.web;

import dev.patchwave.orchestrator.testsupport.PostgresTest;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The whole application on a random port over the test PostgreSQL, in demo mode with a
 * known password. Every web test uses exactly this configuration, so they share one
 * running application (and one Quartz scheduler) instead of starting several against the
 * same database.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "patchwave.demo.enabled=true", "patchwave.demo.password=" + PatchwaveWebTest.PASSWORD,
				"patchwave.demo.password-file=target/demo-password.txt", "patchwave.engine.retry-backoff=PT0.2S",
				"patchwave.engine.max-retry-backoff=PT1S", "patchwave.engine.reconcile-interval=PT2S",
				"patchwave.secrets.key=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
				// tests read the exposure and connectors' waits right after changing them
				"patchwave.exposure.fresh-for=0s", "patchwave.rollout-reads.fresh-for=0s" })
@PostgresTest
public @interface PatchwaveWebTest {

	String PASSWORD = "test-password";

}
