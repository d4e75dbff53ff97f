package dev.patchwave.common.connector;

import java.util.concurrent.CompletionStage;

/**
 * A configured deployment system that can install a patch on the targets it reaches. Implementations live
 * in the connectors module; the orchestrator sees only this interface.
 */
public interface Connector extends AutoCloseable {

	/**
	 * Installs the request's patch on its target and completes with the outcome. A request whose
	 * idempotency key the connector has seen before must not install again: it answers the first outcome
	 * (or joins the install still running), so a dispatcher that lost track of a call can safely repeat it.
	 * Failures of the deployment system itself complete the stage with {@link ResultCause#INFRASTRUCTURE_ERROR}
	 * or exceptionally; they are never the target's fault.
	 */
	CompletionStage<InstallResult> install(InstallRequest request);

	@Override
	default void close() {
	}

}
