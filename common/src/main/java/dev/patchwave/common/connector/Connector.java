package dev.patchwave.common.connector;

import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.patch.Version;
import dev.patchwave.common.target.Target;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A configured deployment system that can install a patch on the targets it reaches.
 * Implementations live in the connectors module, one package per system; the orchestrator
 * sees only this interface.
 *
 * <p>
 * Failures of the deployment system itself (down, timing out, 5xx, 429, credentials
 * refused) are never the targets' fault: they complete with
 * {@link ResultCause#INFRASTRUCTURE_ERROR} or exceptionally, and {@link #health()} says
 * so, so the engine waits instead of counting failures.
 */
public interface Connector extends AutoCloseable {

	ConnectorCapabilities capabilities();

	/**
	 * Installs the request's patch on its target and completes with the outcome. A
	 * request whose idempotency key the connector has seen before must not install again:
	 * it answers the first outcome (or joins the install still running), so a dispatcher
	 * that lost track of a call can safely repeat it.
	 */
	CompletionStage<InstallResult> install(InstallRequest request);

	/**
	 * Installs a batch of requests for the same patch, at most
	 * {@link ConnectorCapabilities#maxBatchSize()} of them; one stage per request, in
	 * order. Systems that run one job for many hosts override this.
	 */
	default List<CompletionStage<InstallResult>> installBatch(List<InstallRequest> batch) {
		return batch.stream().map(this::install).toList();
	}

	/**
	 * Targets the engine will send installs to soon, when the wave before theirs starts.
	 * A connector that pays for each target before it can call it (an SSH login) may pay
	 * now, in the background, so that the installs find it paid. Returns at once and
	 * changes nothing on the targets; whatever it starts may fail unseen, since each
	 * install meets and reports its own failures.
	 */
	default void prepare(List<Target> targets) {
	}

	/**
	 * What became of the install submitted under the request's key, without waiting for
	 * it: running, finished with its outcome, or never seen (resending it is then safe).
	 * The answer comes from the deployment system, so a node that restarted or took over
	 * another's rollout learns the truth. A connector that cannot tell completes
	 * exceptionally; the caller asks again later.
	 */
	CompletionStage<CallStatus> status(InstallRequest request);

	/** Reads the version of the patched product that the target runs now. */
	CompletionStage<Version> installedVersion(Target target, Patch patch);

	/**
	 * Takes the patch off the target again; the result's version is the one it runs
	 * afterwards.
	 */
	CompletionStage<InstallResult> rollback(InstallRequest request);

	/**
	 * Whether the deployment system answers now, and if not, why; cheap, from what the
	 * connector has seen.
	 */
	ConnectorHealth health();

	/**
	 * Checks the configuration against the real system: reachable, credentials accepted,
	 * templates and job templates present. Each check says what was tried and what went
	 * wrong.
	 */
	CompletionStage<List<ConnectorCheck>> test();

	@Override
	default void close() {
	}

}
