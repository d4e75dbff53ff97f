package dev.patchwave.web.health;

import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Whether the database answers, decided within {@link #LIMIT}: a database that is away
 * makes the pool wait for a connection far longer than a health check may take, so the
 * check runs apart and is DOWN once the limit passes. While one check still waits, the
 * next ones wait for the same instead of piling up.
 */
class DatabaseHealth implements HealthIndicator {

	static final Duration LIMIT = Duration.ofMillis(800);

	private final DataSource dataSource;

	private final Executor executor;

	private CompletableFuture<Health> running;

	DatabaseHealth(DataSource dataSource, Executor executor) {
		this.dataSource = dataSource;
		this.executor = executor;
	}

	@Override
	public Health health() {
		CompletableFuture<Health> check = check();
		try {
			return check.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			return Health.down().withDetail("detail", "no answer within " + LIMIT.toMillis() + " ms").build();
		}
		catch (ExecutionException ex) {
			return Health.down().withDetail("detail", String.valueOf(ex.getCause().getMessage())).build();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Health.unknown().build();
		}
	}

	private synchronized CompletableFuture<Health> check() {
		if (this.running == null || this.running.isDone()) {
			this.running = CompletableFuture.supplyAsync(this::probe, this.executor);
		}
		return this.running;
	}

	private Health probe() {
		try (Connection connection = this.dataSource.getConnection()) {
			int seconds = (int) Math.max(1, LIMIT.toSeconds());
			return connection.isValid(seconds)
					? Health.up().withDetail("database", connection.getMetaData().getDatabaseProductName()).build()
					: Health.down().withDetail("detail", "the connection is not valid").build();
		}
		catch (Exception ex) {
			return Health.down().withDetail("detail", String.valueOf(ex.getMessage())).build();
		}
	}

}
