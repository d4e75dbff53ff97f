package dev.patchwave.connectors.resilience;

import java.time.Duration;
import java.util.Optional;

/**
 * The deployment system failed, not a target: it refused the connection, timed out,
 * answered 5xx or 429, or rejected our credentials. Opens the circuit breaker when it
 * repeats; idempotent reads are retried when {@link #isTransient()}, after
 * {@link #retryAfter()} when the system said how long to wait.
 */
public class InfrastructureException extends RuntimeException {

	private final boolean transientFailure;

	private final Duration retryAfter;

	public InfrastructureException(String message, boolean transientFailure, Duration retryAfter, Throwable cause) {
		super(message, cause);
		this.transientFailure = transientFailure;
		this.retryAfter = retryAfter;
	}

	public static InfrastructureException transientFailure(String message, Throwable cause) {
		return new InfrastructureException(message, true, null, cause);
	}

	public static InfrastructureException permanent(String message) {
		return new InfrastructureException(message, false, null, null);
	}

	public boolean isTransient() {
		return this.transientFailure;
	}

	public Optional<Duration> retryAfter() {
		return Optional.ofNullable(this.retryAfter);
	}

}
