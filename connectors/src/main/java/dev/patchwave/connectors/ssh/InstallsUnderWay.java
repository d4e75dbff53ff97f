package dev.patchwave.connectors.ssh;

import dev.patchwave.common.connector.InstallRequest;
import dev.patchwave.common.connector.InstallResult;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The installs this connector runs now, by idempotency key, so that a key sent again
 * while its install runs joins that install instead of sending the target a second exec.
 */
final class InstallsUnderWay {

	private static final Logger logger = LoggerFactory.getLogger(InstallsUnderWay.class);

	private final ConcurrentMap<String, CompletableFuture<InstallResult>> byKey = new ConcurrentHashMap<>();

	/**
	 * The install under way under the request's key, or else a new one: {@code install}
	 * handed to {@code submitter} to run.
	 */
	CompletionStage<InstallResult> startOrJoin(InstallRequest request, Supplier<InstallResult> install,
			Submitter submitter) {
		CompletableFuture<InstallResult> mine = new CompletableFuture<>();
		CompletableFuture<InstallResult> first = this.byKey.putIfAbsent(request.idempotencyKey(), mine);
		if (first != null) {
			logger.debug("Key {} for {} seen before: joining its install", request.idempotencyKey(),
					request.target().name());
			return first.minimalCompletionStage();
		}
		submitter.submit(mine, () -> {
			InstallResult result = install.get();
			// Only installs under way are kept here, for a resend to join. A finished key
			// is answered by the marker on the host, which outlives this node: keeping
			// every outcome and output tail would grow with the fleet. After an
			// infrastructure error nothing ran, so a resend must really install.
			this.byKey.remove(request.idempotencyKey(), mine);
			logger.info("Install of {} on {} (key {}) ended {}", request.patch().id(), request.target().name(),
					request.idempotencyKey(), result.cause());
			return result;
		});
		if (mine.isCompletedExceptionally()) {
			// Closed: never submitted.
			this.byKey.remove(request.idempotencyKey(), mine);
		}
		// Callers share this stage, so none of them may complete it in place of the
		// install.
		return mine.minimalCompletionStage();
	}

	/**
	 * Runs the work and completes the future with its result, or completes it
	 * exceptionally at once when the work cannot be run.
	 */
	@FunctionalInterface
	interface Submitter {

		void submit(CompletableFuture<InstallResult> into, Callable<InstallResult> work);

	}

}
