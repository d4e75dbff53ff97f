package dev.patchwave.connectors.resilience;

import dev.patchwave.common.connector.ConnectorHealth;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Every remote call of one connector instance goes through its guard: a time limit, a
 * bulkhead, a rate limiter and a circuit breaker, and for idempotent reads a retry with
 * jittered backoff that honours Retry-After. Only {@link InfrastructureException}s count
 * against the breaker: a target that fails is not the system's fault. Calls refused by
 * the guard itself surface as {@link InfrastructureException}s too.
 */
public final class ConnectorGuard implements AutoCloseable {

	/**
	 * The longest a read waits because the system asked it to; longer requests are cut to
	 * this.
	 */
	private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

	private final CircuitBreaker breaker;

	private final RateLimiter rateLimiter;

	private final Bulkhead bulkhead;

	private final TimeLimiter timeLimiter;

	private final Retry readRetry;

	private final ResilienceSettings settings;

	private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

	private volatile Instant lastStateChange = Instant.now();

	private volatile String lastFailure;

	public ConnectorGuard(String name, ResilienceSettings settings) {
		this.settings = settings;
		this.breaker = CircuitBreaker.of(name,
				CircuitBreakerConfig.custom()
					.failureRateThreshold(settings.breakerFailureRate())
					.slidingWindowSize(settings.breakerWindow())
					.minimumNumberOfCalls(Math.min(settings.breakerWindow(), 5))
					.waitDurationInOpenState(settings.breakerOpenFor())
					.permittedNumberOfCallsInHalfOpenState(1)
					.automaticTransitionFromOpenToHalfOpenEnabled(true)
					.recordException(InfrastructureException.class::isInstance)
					.build());
		this.rateLimiter = RateLimiter.of(name,
				RateLimiterConfig.custom()
					.limitForPeriod(settings.callsPerSecond())
					.limitRefreshPeriod(Duration.ofSeconds(1))
					.timeoutDuration(settings.callTimeout())
					.build());
		this.bulkhead = Bulkhead.of(name,
				BulkheadConfig.custom()
					.maxConcurrentCalls(settings.maxConcurrentCalls())
					.maxWaitDuration(settings.callTimeout())
					.build());
		this.timeLimiter = TimeLimiter.of(name,
				TimeLimiterConfig.custom().timeoutDuration(settings.callTimeout()).cancelRunningFuture(true).build());
		IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(settings.retryBackoff(), 2.0, 0.5);
		this.readRetry = Retry.of(name,
				RetryConfig.custom()
					.maxAttempts(settings.retryAttempts())
					.retryOnException(ex -> ex instanceof InfrastructureException infra && infra.isTransient())
					.intervalBiFunction(retryAfterOr(backoff))
					.build());
		this.breaker.getEventPublisher().onStateTransition(event -> this.lastStateChange = Instant.now());
		this.breaker.getEventPublisher().onError(event -> this.lastFailure = event.getThrowable().getMessage());
	}

	/**
	 * Waits as long as the system's Retry-After asks when it said; else the jittered
	 * backoff.
	 */
	private static IntervalBiFunction<Object> retryAfterOr(IntervalFunction backoff) {
		return (attempt, outcome) -> {
			if (outcome.isLeft() && outcome.getLeft() instanceof InfrastructureException infra
					&& infra.retryAfter().isPresent()) {
				return Math.min(infra.retryAfter().get().toMillis(), MAX_RETRY_AFTER.toMillis());
			}
			return backoff.apply(attempt);
		};
	}

	/** A call that changes something remotely: guarded, never retried here. */
	public <T> T write(Callable<T> call) {
		return guarded(call);
	}

	/** An idempotent read: guarded, and retried on transient infrastructure failures. */
	public <T> T read(Callable<T> call) {
		Supplier<T> attempt = () -> guarded(call);
		return Retry.decorateSupplier(this.readRetry, attempt).get();
	}

	public ConnectorHealth health() {
		return switch (this.breaker.getState()) {
			case OPEN,
					FORCED_OPEN ->
				new ConnectorHealth(ConnectorHealth.Status.DOWN,
						"circuit open after repeated failures: " + this.lastFailure, this.lastStateChange,
						this.lastStateChange.plus(this.settings.breakerOpenFor()));
			case HALF_OPEN -> new ConnectorHealth(ConnectorHealth.Status.DEGRADED,
					"trying the system again after: " + this.lastFailure, this.lastStateChange, null);
			default ->
				this.breaker.getMetrics().getNumberOfFailedCalls() > 0
						? new ConnectorHealth(ConnectorHealth.Status.DEGRADED,
								"recent calls failed: " + this.lastFailure, this.lastStateChange, null)
						: ConnectorHealth.up();
		};
	}

	@Override
	public void close() {
		this.calls.shutdownNow();
	}

	private <T> T guarded(Callable<T> call) {
		try {
			return this.breaker.executeCallable(() -> this.bulkhead
				.executeCallable(() -> this.rateLimiter.executeCallable(() -> withTimeLimit(call))));
		}
		catch (CallNotPermittedException ex) {
			throw InfrastructureException.permanent("not calling: " + health().detail());
		}
		catch (BulkheadFullException | RequestNotPermitted ex) {
			throw InfrastructureException.transientFailure("too many calls in progress: " + ex.getMessage(), ex);
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw InfrastructureException.transientFailure(ex.getMessage(), ex);
		}
	}

	/**
	 * Runs the call on a thread of its own and interrupts it when it overruns, so a
	 * timed-out call does not go on holding a place. Checked failures are the system's:
	 * classified here, inside the breaker.
	 */
	private <T> T withTimeLimit(Callable<T> call) {
		try {
			return this.timeLimiter.executeFutureSupplier(() -> this.calls.submit(call));
		}
		catch (TimeoutException ex) {
			throw InfrastructureException.transientFailure("no answer within " + this.settings.callTimeout(), ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw InfrastructureException.transientFailure(String.valueOf(ex.getCause().getMessage()), ex.getCause());
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw InfrastructureException.transientFailure(ex.getMessage(), ex);
		}
	}

}
