package dev.patchwave.common.connector;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a deployment system knows of the call made under one idempotency key, read from
 * the system itself (a marker on the host, the job list), never from a process's memory,
 * which a crash erases.
 */
public sealed interface CallStatus {

	static CallStatus running() {
		return Running.INSTANCE;
	}

	static CallStatus finished(InstallResult result) {
		return new Finished(result);
	}

	static CallStatus neverSeen() {
		return NeverSeen.INSTANCE;
	}

	/**
	 * The status of a call a connector tracks as a future of its outcome: none means
	 * never seen. Only for connectors whose memory is the system's own record, such as a
	 * simulator.
	 */
	static CallStatus of(CompletionStage<InstallResult> outcome) {
		if (outcome == null) {
			return neverSeen();
		}
		CompletableFuture<InstallResult> future = outcome.toCompletableFuture();
		if (!future.isDone()) {
			return running();
		}
		return future.isCompletedExceptionally() ? neverSeen() : finished(future.join());
	}

	/**
	 * The call is under way: sending it again under the same key joins it and answers its
	 * outcome.
	 */
	enum Running implements CallStatus {

		INSTANCE;

		@Override
		public String toString() {
			return "running";
		}

	}

	/** The call ended with this outcome; sending it again answers the same outcome. */
	record Finished(InstallResult result) implements CallStatus {

		public Finished {
			Objects.requireNonNull(result, "result");
		}

	}

	/** The system never took the call: sending it is safe and installs. */
	enum NeverSeen implements CallStatus {

		INSTANCE;

		@Override
		public String toString() {
			return "never seen";
		}

	}

}
