package dev.patchwave.connectors.awx;

import dev.patchwave.common.connector.InstallRequest;
import dev.patchwave.common.connector.InstallResult;
import java.util.function.Consumer;

/**
 * A request on its way to an AWX job, under the key the job carries for it
 * ({@code rollback-} and the request's key for a rollback). {@code settle} hands its
 * result to whoever waits, exactly once.
 */
record Pending(InstallRequest request, String key, Consumer<InstallResult> settle) {

	/** The AWX inventory host name, which is the target's name. */
	String host() {
		return this.request.target().name();
	}

}
