package dev.patchwave.web.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * The database check answers within its limit even while the pool waits for a connection.
 */
class DatabaseHealthTest {

	@Test
	void aDatabaseThatDoesNotAnswerIsDownWithinTheLimit() throws Exception {
		CountDownLatch never = new CountDownLatch(1);
		DataSource hanging = new AbstractDataSource() {

			@Override
			public Connection getConnection() {
				try {
					// like a pool waiting for a connection to a database that is away
					never.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				throw new IllegalStateException("interrupted");
			}

			@Override
			public Connection getConnection(String username, String password) {
				return getConnection();
			}

		};
		try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
			DatabaseHealth check = new DatabaseHealth(hanging, executor);

			// two checks in a row: the second waits for the first's probe, adds none
			Health first = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> check.health());
			Health second = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> check.health());

			assertThat(first.getStatus()).isEqualTo(Status.DOWN);
			assertThat(second.getStatus()).isEqualTo(Status.DOWN);
			assertThat(first.getDetails()).containsEntry("detail", "no answer within 800 ms");
			never.countDown();
		}
	}

}
