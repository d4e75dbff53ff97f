package dev.patchwave.connectors.awx;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.apache.hc.core5.http.message.BasicHeader;
import org.junit.jupiter.api.Test;

class AwxHttpTest {

	private static final Instant NOW = Instant.parse("2025-03-04T10:00:00Z");

	@Test
	void readsRetryAfterAsSecondsOrAsAnHttpDate() {
		assertThat(AwxHttp.retryAfter(new BasicHeader("Retry-After", "120"), NOW)).isEqualTo(Duration.ofMinutes(2));
		assertThat(AwxHttp.retryAfter(new BasicHeader("Retry-After", "Tue, 04 Mar 2025 10:00:30 GMT"), NOW))
			.isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void takesADateInThePastAsNoWaitAndNonsenseAsNoAdvice() {
		assertThat(AwxHttp.retryAfter(new BasicHeader("Retry-After", "Tue, 04 Mar 2025 09:59:00 GMT"), NOW))
			.isEqualTo(Duration.ZERO);
		assertThat(AwxHttp.retryAfter(new BasicHeader("Retry-After", "soon"), NOW)).isNull();
		assertThat(AwxHttp.retryAfter(null, NOW)).isNull();
	}

}
