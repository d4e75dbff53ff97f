package dev.patchwave.connectors.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwave.common.connector.ConnectorHealth;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectorGuardTest {

	private final ConnectorGuard guard = new ConnectorGuard("test", ResilienceSettings.from(Map.of("retryAttempts", "3",
			"retryBackoff", "PT0.01S", "breakerWindow", "4", "breakerOpenFor", "PT1H", "callTimeout", "PT2S")));

	@AfterEach
	void close() {
		this.guard.close();
	}

	@Test
	void retriesAnIdempotentReadAfterATransientFailure() {
		AtomicInteger calls = new AtomicInteger();

		String answer = this.guard.read(() -> {
			if (calls.incrementAndGet() < 3) {
				throw InfrastructureException.transientFailure("503 from the system", null);
			}
			return "ok";
		});

		assertThat(answer).isEqualTo("ok");
		assertThat(calls).hasValue(3);
	}

	@Test
	void waitsAsLongAsRetryAfterAsks() {
		AtomicInteger calls = new AtomicInteger();
		long started = System.nanoTime();

		this.guard.read(() -> {
			if (calls.incrementAndGet() == 1) {
				throw new InfrastructureException("429", true, Duration.ofMillis(400), null);
			}
			return "ok";
		});

		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
	}

	@Test
	void neverRetriesAWrite() {
		AtomicInteger calls = new AtomicInteger();

		assertThatThrownBy(() -> this.guard.write(() -> {
			calls.incrementAndGet();
			throw InfrastructureException.transientFailure("connection reset", null);
		})).isInstanceOf(InfrastructureException.class);
		assertThat(calls).hasValue(1);
	}

	@Test
	void repeatedInfrastructureFailuresOpenTheBreakerAndCallsStopGoingOut() {
		AtomicInteger calls = new AtomicInteger();
		for (int i = 0; i < 4; i++) {
			assertThatThrownBy(() -> this.guard.write(() -> {
				calls.incrementAndGet();
				throw InfrastructureException.transientFailure("connection refused", null);
			})).isInstanceOf(InfrastructureException.class);
		}

		assertThat(this.guard.health().status()).isEqualTo(ConnectorHealth.Status.DOWN);
		assertThat(this.guard.health().detail()).contains("connection refused");
		assertThatThrownBy(() -> this.guard.write(() -> calls.incrementAndGet()))
			.isInstanceOf(InfrastructureException.class)
			.hasMessageContaining("not calling");
		assertThat(calls).hasValue(4);
	}

	@Test
	void failuresOfOtherKindsDoNotOpenTheBreaker() {
		for (int i = 0; i < 6; i++) {
			assertThatThrownBy(() -> this.guard.write(() -> {
				throw new IllegalStateException("a target refused");
			})).isInstanceOf(IllegalStateException.class);
		}

		assertThat(this.guard.health().isDown()).isFalse();
	}

	@Test
	void aCallThatTakesTooLongIsCutOffAsAnInfrastructureFailure() {
		ConnectorGuard impatient = new ConnectorGuard("slow", ResilienceSettings.from(Map.of("callTimeout", "PT0.2S")));
		try {
			assertThatThrownBy(() -> impatient.write(() -> {
				new java.util.concurrent.CountDownLatch(1).await();
				return "never";
			})).isInstanceOf(InfrastructureException.class).hasMessageContaining("no answer within PT0.2S");
		}
		finally {
			impatient.close();
		}
	}

}
