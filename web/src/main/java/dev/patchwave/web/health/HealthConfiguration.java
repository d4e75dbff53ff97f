package dev.patchwave.web.health;

import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The application's own health: its database and its scheduler. */
@Configuration(proxyBeanMethods = false)
class HealthConfiguration {

	/** In place of Spring Boot's own, which can wait the pool's whole timeout. */
	@Bean
	HealthIndicator dbHealthIndicator(DataSource dataSource) {
		return new DatabaseHealth(dataSource,
				Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("db-health-", 0).factory()));
	}

	@Bean
	HealthIndicator schedulerHealthIndicator(Scheduler scheduler) {
		return () -> {
			try {
				if (scheduler.isStarted() && !scheduler.isShutdown() && !scheduler.isInStandbyMode()) {
					return Health.up().withDetail("instance", scheduler.getSchedulerInstanceId()).build();
				}
				return Health.down().withDetail("detail", "the Quartz scheduler is not running").build();
			}
			catch (SchedulerException ex) {
				return Health.down().withDetail("detail", ex.getMessage()).build();
			}
		};
	}

}
