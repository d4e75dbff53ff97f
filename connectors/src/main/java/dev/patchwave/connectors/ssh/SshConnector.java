package dev.patchwave.connectors.ssh;

import dev.patchwave.common.connector.CallStatus;
import dev.patchwave.common.connector.Connector;
import dev.patchwave.common.connector.ConnectorCapabilities;
import dev.patchwave.common.connector.ConnectorCheck;
import dev.patchwave.common.connector.ConnectorHealth;
import dev.patchwave.common.connector.InstallRequest;
import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.patch.Version;
import dev.patchwave.common.target.Target;
import dev.patchwave.connectors.resilience.ConnectorGuard;
import dev.patchwave.connectors.resilience.InfrastructureException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.sshd.common.config.keys.KeyUtils;
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
 */
public final class SshConnector implements Connector {

	private static final Logger logger = LoggerFactory.getLogger(SshConnector.class);

	/** Rollbacks keep their own markers: a rollback's key may equal its install's. */
	static final String ROLLBACK_MARKER_PREFIX = "rollback-";

	private final SshSettings settings;

	private final ConnectorGuard guard;

	private final Redaction redaction;

	private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

	private final ConcurrentMap<String, CompletableFuture<InstallResult>> installs = new ConcurrentHashMap<>();

	private final TargetCalls calls;

	private final PatchCommands patchCommands;

	private final StepResults results;

	SshConnector(String name, SshSettings settings) {
		this.settings = settings;
		this.guard = new ConnectorGuard(name, settings.resilience());
		this.redaction = new Redaction(settings.passphrase());
		this.calls = new TargetCalls(settings, this.guard, this.redaction);
		this.patchCommands = new PatchCommands(settings);
		this.results = new StepResults(this.redaction, settings.commandTimeout());
	}

	@Override
	public ConnectorCapabilities capabilities() {
		return ConnectorCapabilities.perTarget();
	}

	@Override
	public CompletionStage<InstallResult> install(InstallRequest request) {
		CompletableFuture<InstallResult> mine = new CompletableFuture<>();
		CompletableFuture<InstallResult> first = this.installs.putIfAbsent(request.idempotencyKey(), mine);
		if (first != null) {
			logger.debug("Key {} for {} seen before: joining its install", request.idempotencyKey(),
					request.target().name());
			return first.minimalCompletionStage();
		}
		submit(mine, () -> {
			InstallResult result = outcome(() -> install(request, this.patchCommands.steps(request.patch())));
			// Only installs under way are kept here, for a resend to join. A finished key
			// is answered by the marker on the host, which outlives this node: keeping
			// every outcome and output tail would grow with the fleet. After an
			// infrastructure error nothing ran, so a resend must really install.
			this.installs.remove(request.idempotencyKey(), mine);
			logger.info("Install of {} on {} (key {}) ended {}", request.patch().id(), request.target().name(),
					request.idempotencyKey(), result.cause());
			return result;
		});
		if (mine.isCompletedExceptionally()) {
			// Closed: never submitted.
			this.installs.remove(request.idempotencyKey(), mine);
		}
		// Callers share this stage, so none of them may complete it in place of the
		// install.
		return mine.minimalCompletionStage();
	}

	/**
	 * Reads the key's marker on the target in one exec: none, running, or the recorded
	 * outcome, verified as an install's. An install whose process is gone without an exit
	 * code is finished as the target's failure, never started again by itself.
	 */
	@Override
	public CompletionStage<CallStatus> status(InstallRequest request) {
		CompletableFuture<CallStatus> status = new CompletableFuture<>();
		submit(status, () -> {
			PatchSteps steps = this.patchCommands.steps(request.patch());
			Target target = request.target();
			String verify = (steps.verify() != null)
					? this.patchCommands.render(steps.verify(), target, request.patch(), request.idempotencyKey())
					: null;
			String command = this.settings.shell()
				.once(new OnceCall(OnceCall.Mode.STATUS, Shell.markerName(request.idempotencyKey()), 0, "", verify,
						steps.successCodes(), this.settings.outputTailBytes()));
			OnceOutcome outcome = this.calls.readMarker(target, command);
			logger.debug("Key {} on {} is {}", request.idempotencyKey(), target.name(), outcome.state());
			return switch (outcome.state()) {
				case NONE -> CallStatus.neverSeen();
				case RUNNING -> CallStatus.running();
				case FINISHED, INTERRUPTED -> CallStatus.finished(this.results.install(outcome, steps, request));
			};
		});
		return status.minimalCompletionStage();
	}

	@Override
	public CompletionStage<Version> installedVersion(Target target, Patch patch) {
		CompletableFuture<Version> version = new CompletableFuture<>();
		submit(version, () -> {
			PatchSteps steps = this.patchCommands.steps(patch);
			if (steps.verify() == null) {
				throw new SshFailure(ResultCause.FATAL_TARGET_ERROR, PatchSteps.missing("verify", patch));
			}
			return verify(target, patch, steps.verify());
		});
		return version.minimalCompletionStage();
	}

	@Override
	public CompletionStage<InstallResult> rollback(InstallRequest request) {
		CompletableFuture<InstallResult> result = new CompletableFuture<>();
		submit(result, () -> {
			InstallResult outcome = outcome(() -> rollback(request, this.patchCommands.steps(request.patch())));
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
		submit(checks, () -> {
			List<ConnectorCheck> results = new ArrayList<>();
			results.add(ConnectorCheck.passed("private key", "a readable %s key for user %s"
				.formatted(KeyUtils.getKeyType(this.settings.key()), this.settings.user())));
			String templates = "%d overrides and the catalog steps used so far name only known variables";
			results.add(this.patchCommands.catalogProblems().isEmpty()
					? ConnectorCheck.passed("command templates", templates.formatted(this.settings.overrides().size()))
					: ConnectorCheck.failed("command templates",
							String.join("; ", this.patchCommands.catalogProblems())));
			if (this.settings.testHost() != null) {
				results.add(login(this.settings.testHost()));
			}
			return results;
		});
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

	private InstallResult install(InstallRequest request, PatchSteps steps) throws InterruptedException {
		if (steps.install() == null) {
			return new InstallResult(ResultCause.FATAL_TARGET_ERROR, null,
					PatchSteps.missing("install", request.patch()), null);
		}
		logger.info("Installing {} on {} (key {})", request.patch().id(), request.target().name(),
				request.idempotencyKey());
		OnceOutcome outcome = once(request, request.idempotencyKey(), steps.install(), steps);
		return this.results.install(outcome, steps, request);
	}

	private InstallResult rollback(InstallRequest request, PatchSteps steps) throws InterruptedException {
		if (steps.rollback() == null) {
			return new InstallResult(ResultCause.FATAL_TARGET_ERROR, null,
					PatchSteps.missing("rollback", request.patch()), null);
		}
		logger.info("Rolling back {} on {} (key {})", request.patch().id(), request.target().name(),
				request.idempotencyKey());
		OnceOutcome outcome = once(request, ROLLBACK_MARKER_PREFIX + request.idempotencyKey(), steps.rollback(), steps);
		return this.results.rollback(outcome, steps, request.idempotencyKey());
	}

	/**
	 * Renders the step and the verify command for the target and runs them through the
	 * exactly-once wrapper under the marker of {@code markerKey}.
	 */
	private OnceOutcome once(InstallRequest request, String markerKey, CommandTemplate step, PatchSteps steps)
			throws InterruptedException {
		Target target = request.target();
		HostPort host = this.calls.host(target);
		String stepText = this.patchCommands.render(step, target, request.patch(), request.idempotencyKey());
		String verifyText = (steps.verify() != null)
				? this.patchCommands.render(steps.verify(), target, request.patch(), request.idempotencyKey()) : null;
		String marker = Shell.markerName(markerKey);
		TargetCalls.Wrapper call = (mode, waitSeconds) -> this.settings.shell()
			.once(new OnceCall(mode, marker, waitSeconds, stepText, verifyText, steps.successCodes(),
					this.settings.outputTailBytes()));
		return this.calls.once(host, markerKey, call);
	}

	/** Runs the verify command and reads the version from the last line it printed. */
	private Version verify(Target target, Patch patch, CommandTemplate template) throws InterruptedException {
		// Reading a version belongs to no install, so there is no key to give the
		// command.
		CommandResult ran = this.calls.run(target, () -> this.patchCommands.render(template, target, patch, ""));
		if (ran.exitCode() != 0) {
			throw new SshFailure(ResultCause.FATAL_TARGET_ERROR,
					ran.withOutput("the verify command failed with exit code " + ran.exitCode()));
		}
		List<String> lines = ran.stdout().strip().lines().toList();
		return this.results.version(lines.isEmpty() ? "" : lines.getLast().strip());
	}

	private ConnectorCheck login(HostPort host) {
		try {
			this.calls.logIn(host);
			return ConnectorCheck.passed("login", "logged in to %s as %s".formatted(host, this.settings.user()));
		}
		catch (SshFailure | InfrastructureException ex) {
			return ConnectorCheck.failed("login",
					"could not log in to %s as %s: %s".formatted(host, this.settings.user(), ex.getMessage()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return ConnectorCheck.failed("login", "the ssh connector closed before logging in to " + host);
		}
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
