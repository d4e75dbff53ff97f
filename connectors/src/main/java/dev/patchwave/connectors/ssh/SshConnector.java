package dev.patchwave.connectors.ssh;

import dev.patchwave.common.connector.CallStatus;
import dev.patchwave.common.connector.Connector;
import dev.patchwave.common.connector.ConnectorCapabilities;
import dev.patchwave.common.connector.ConnectorCheck;
import dev.patchwave.common.connector.ConnectorHealth;
import dev.patchwave.common.connector.InstallRequest;
import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.patch.Version;
import dev.patchwave.common.target.Target;
import dev.patchwave.connectors.resilience.ConnectorGuard;
import dev.patchwave.connectors.resilience.InfrastructureException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs by running the patch's commands on each target over SSH, exactly once per
 * idempotency key whatever happens to the controller: one exec per target claims the
 * key's marker on the target before the installer starts, runs the installer detached
 * from the session, records its exit code, verifies and prints the outcome. A key sent
 * again, to this connector or to one created after a restart, waits for the run under way
 * or answers the recorded outcome; {@link #status} reads the marker. All SSH work runs on
 * virtual threads; at most {@code maxSessions} commands run at once.
 * <p>
 * This class is the connector's face: it runs each call on a virtual thread and turns
 * every failure of an install or a rollback into its result. {@link TargetSteps} does the
 * work on a target, {@link TargetCalls} reaches the target, {@link InstallsUnderWay} lets
 * a resend join the install under way.
 */
public final class SshConnector implements Connector {

	private static final Logger logger = LoggerFactory.getLogger(SshConnector.class);

	private final ConnectorGuard guard;

	private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

	private final InstallsUnderWay installs = new InstallsUnderWay();

	private final TargetCalls calls;

	private final TargetSteps steps;

	private final SelfTest selfTest;

	private final boolean logsInAhead;

	SshConnector(String name, SshSettings settings) {
		this.logsInAhead = settings.loginsAhead() > 0;
		this.guard = new ConnectorGuard(name, settings.resilience());
		Redaction redaction = new Redaction(settings.passphrase());
		this.calls = new TargetCalls(settings, this.guard, redaction);
		PatchCommands patchCommands = new PatchCommands(settings);
		this.steps = new TargetSteps(settings, patchCommands, this.calls,
				new StepResults(redaction, settings.commandTimeout()));
		this.selfTest = new SelfTest(settings, patchCommands, this.calls);
	}

	@Override
	public ConnectorCapabilities capabilities() {
		return ConnectorCapabilities.perTarget();
	}

	@Override
	public CompletionStage<InstallResult> install(InstallRequest request) {
		return this.installs.startOrJoin(request, () -> outcome(() -> this.steps.install(request)), this::submit);
	}

	/**
	 * Logs in to the targets' hosts in the background, at most {@code loginsAhead} at a
	 * time and none while an install waits for its own login, so that the wave they
	 * belong to starts its installs on open sessions instead of paying a handshake each
	 * while its slots wait. {@code loginsAhead} 0 turns this off.
	 */
	@Override
	public void prepare(List<Target> targets) {
		if (!this.logsInAhead) {
			return;
		}
		for (Target target : targets) {
			try {
				this.executor.execute(() -> {
					try {
						this.calls.logInAhead(target);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				});
			}
			catch (RejectedExecutionException ex) {
				return;
			}
		}
	}

	/**
	 * Reads the key's marker on the target in one exec: none, running, or the recorded
	 * outcome, verified as an install's. An install whose process is gone without an exit
	 * code is finished as the target's failure, never started again by itself.
	 */
	@Override
	public CompletionStage<CallStatus> status(InstallRequest request) {
		CompletableFuture<CallStatus> status = new CompletableFuture<>();
		submit(status, () -> this.steps.status(request));
		return status.minimalCompletionStage();
	}

	@Override
	public CompletionStage<Version> installedVersion(Target target, Patch patch) {
		CompletableFuture<Version> version = new CompletableFuture<>();
		submit(version, () -> this.steps.installedVersion(target, patch));
		return version.minimalCompletionStage();
	}

	@Override
	public CompletionStage<InstallResult> rollback(InstallRequest request) {
		CompletableFuture<InstallResult> result = new CompletableFuture<>();
		submit(result, () -> {
			InstallResult outcome = outcome(() -> this.steps.rollback(request));
			logger.info("Rollback of {} on {} (key {}) ended {}", request.patch().id(), request.target().name(),
					request.idempotencyKey(), outcome.cause());
			return outcome;
		});
		return result.minimalCompletionStage();
	}

	@Override
	public ConnectorHealth health() {
		return this.guard.health();
	}

	/**
	 * Checks that the key loaded, that no catalog step seen so far uses an unknown
	 * variable (overrides were checked on creation), and, when {@code testHost} is set,
	 * that the connector can log in there.
	 */
	@Override
	public CompletionStage<List<ConnectorCheck>> test() {
		CompletableFuture<List<ConnectorCheck>> checks = new CompletableFuture<>();
		submit(checks, this.selfTest::run);
		return checks.minimalCompletionStage();
	}

	/**
	 * Closes every session; installs still running end as the connection drops, none
	 * waits forever.
	 */
	@Override
	public void close() {
		this.calls.close();
		this.executor.shutdownNow();
		this.guard.close();
	}

	/**
	 * Turns every way a step can fail into its result, so that an install stage never
	 * completes exceptionally.
	 */
	private InstallResult outcome(Callable<InstallResult> step) {
		try {
			return step.call();
		}
		catch (SshFailure ex) {
			// Closing drops the connections under running commands: that is not the
			// targets' failure.
			return this.calls.isClosed()
					? InstallResult.infrastructureError("the ssh connector closed while the command ran; "
							+ "the step goes on on the target, and status or a resend of the key answers its outcome")
					: ex.result();
		}
		catch (InfrastructureException ex) {
			return InstallResult.infrastructureError(ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return InstallResult.infrastructureError("the ssh connector closed before the command ran");
		}
		catch (Exception ex) {
			logger.warn("ssh connector failed unexpectedly", ex);
			return InstallResult.infrastructureError(this.calls.isClosed() ? "the ssh connector closed"
					: "the ssh connector failed: " + ex.getMessage());
		}
	}

	private <T> void submit(CompletableFuture<T> into, Callable<T> work) {
		try {
			this.executor.execute(() -> {
				try {
					into.complete(work.call());
				}
				catch (Exception ex) {
					into.completeExceptionally(ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			into.completeExceptionally(InfrastructureException.permanent("the ssh connector is closed"));
		}
	}

}
