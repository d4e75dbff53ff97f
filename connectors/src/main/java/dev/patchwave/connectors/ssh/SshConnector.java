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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import org.apache.sshd.client.session.ClientSession;
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

	/** Room for the verify output and the trailer after the step's output tail. */
	private static final int WRAPPER_OUTPUT_BYTES = 4096;

	private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

	private static final Duration MAX_RECONNECT_PAUSE = Duration.ofSeconds(30);

	private final SshSettings settings;

	private final ConnectorGuard guard;

	private final SshSessions sessions;

	private final RemoteCommands commands;

	private final Redaction redaction;

	private final Semaphore commandSlots;

	private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

	private final ConcurrentMap<String, CompletableFuture<InstallResult>> installs = new ConcurrentHashMap<>();

	private final PatchCommands patchCommands;

	private final StepResults results;

	private volatile boolean closed;

	SshConnector(String name, SshSettings settings) {
		this.settings = settings;
		this.guard = new ConnectorGuard(name, settings.resilience());
		this.redaction = new Redaction(settings.passphrase());
		this.commands = new RemoteCommands(settings.commandTimeout(), settings.connectTimeout(),
				settings.outputTailBytes(), this.redaction);
		this.commandSlots = new Semaphore(settings.maxSessions(), true);
		this.sessions = new SshSessions(settings, this.guard);
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
			OnceOutcome outcome = onTarget(target,
					(session, host) -> exec(session, host, command, this.settings.commandTimeout()));
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
			// Reading a version belongs to no install, so there is no key to give the
			// command.
			return onTarget(target, (session, host) -> verify(session, host, steps.verify(), target, patch, ""));
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
		this.closed = true;
		this.sessions.close();
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
	 * Runs the step through the exactly-once wrapper: one exec, which claims the key's
	 * marker, starts the step detached from the session, verifies and prints the outcome.
	 * When the connection drops or no answer comes in time, the target is asked again
	 * before anything is decided.
	 */
	private OnceOutcome once(InstallRequest request, String markerKey, CommandTemplate step, PatchSteps steps)
			throws InterruptedException {
		Target target = request.target();
		HostPort host = host(target);
		String stepText = this.patchCommands.render(step, target, request.patch(), request.idempotencyKey());
		String verifyText = (steps.verify() != null)
				? this.patchCommands.render(steps.verify(), target, request.patch(), request.idempotencyKey()) : null;
		String marker = Shell.markerName(markerKey);
		Once call = (mode, waitSeconds) -> this.settings.shell()
			.once(new OnceCall(mode, marker, waitSeconds, stepText, verifyText, steps.successCodes(),
					this.settings.outputTailBytes()));
		long deadline = System.nanoTime() + this.settings.commandTimeout().toNanos();
		return withSlot(() -> {
			ClientSession session = this.sessions.session(host);
			try {
				return exec(session, host, call.command(OnceCall.Mode.RUN, waitSeconds(deadline)), remaining(deadline));
			}
			catch (RemoteCommands.NoResultInTime ex) {
				logger.warn("No answer from {} within {} for key {}; asking the target what became of it", host,
						this.settings.commandTimeout(), markerKey);
				return ask(host, session, call, deadline);
			}
			catch (RemoteCommands.ConnectionLost ex) {
				logger.warn("{} while key {} ran; asking the target again", ex.getMessage(), markerKey);
				this.sessions.discard(host, session);
				return reconnect(host, call, OnceCall.Mode.RUN, deadline);
			}
		});
	}

	/** Reads the marker after a command that gave no answer in time. */
	private OnceOutcome ask(HostPort host, ClientSession session, Once call, long deadline)
			throws InterruptedException {
		try {
			return exec(session, host, call.command(OnceCall.Mode.STATUS, 0), this.settings.connectTimeout());
		}
		catch (RemoteCommands.NoResultInTime | RemoteCommands.ConnectionLost ex) {
			// The connection itself stalled: only a new one can tell.
			this.sessions.discard(host, session);
			return reconnect(host, call, OnceCall.Mode.STATUS,
					Math.max(deadline, System.nanoTime() + this.settings.connectTimeout().toNanos()));
		}
	}

	/**
	 * Logs in again and sends the wrapper once more: it answers a finished step's
	 * outcome, waits for one still running, and starts only a step that never began.
	 * Tries until the reconnect timeout; a host that stays out of reach leaves the
	 * outcome unknown, which is the connector's failure, not the target's.
	 */
	private OnceOutcome reconnect(HostPort host, Once call, OnceCall.Mode mode, long deadline)
			throws InterruptedException {
		long until = Math.min(deadline, System.nanoTime() + this.settings.reconnectTimeout().toNanos());
		Duration pause = RECONNECT_PAUSE;
		SshFailure last = null;
		while (!this.closed) {
			ClientSession session = null;
			try {
				session = this.sessions.session(host);
				Duration timeout = (mode == OnceCall.Mode.RUN) ? remaining(deadline) : this.settings.connectTimeout();
				return exec(session, host, call.command(mode, waitSeconds(deadline)), timeout);
			}
			catch (RemoteCommands.NoResultInTime | RemoteCommands.ConnectionLost ex) {
				this.sessions.discard(host, session);
				last = ex;
			}
			catch (SshFailure ex) {
				if (ex.resultCause() != ResultCause.UNREACHABLE_TARGET) {
					throw ex;
				}
				last = ex;
			}
			if (System.nanoTime() + pause.toNanos() > until) {
				break;
			}
			logger.info("{} does not answer yet ({}); trying again in {}", host, last.getMessage(), pause);
			Thread.sleep(pause);
			pause = pause.multipliedBy(2).compareTo(MAX_RECONNECT_PAUSE) > 0 ? MAX_RECONNECT_PAUSE
					: pause.multipliedBy(2);
		}
		if (this.closed) {
			throw new SshFailure(ResultCause.INFRASTRUCTURE_ERROR, "closed");
		}
		throw InfrastructureException.transientFailure(("lost the connection to %s while the step ran and could "
				+ "not reach it again within %s (%s); the step goes on there if it started, and status answers its "
				+ "outcome once the host is back")
			.formatted(host, this.settings.reconnectTimeout(), (last != null) ? last.getMessage() : "closed"), last);
	}

	/** Runs a wrapper command and reads what it printed. */
	private OnceOutcome exec(ClientSession session, HostPort host, String command, Duration timeout) {
		CommandResult ran = this.commands.run(session, host, command, timeout,
				this.settings.outputTailBytes() + WRAPPER_OUTPUT_BYTES);
		return OnceOutcome.parse(ran.stdout())
			.orElseThrow(() -> new SshFailure(ResultCause.FATAL_TARGET_ERROR, ran.withOutput(
					"the exactly-once wrapper failed on %s with exit code %d".formatted(host, ran.exitCode()))));
	}

	private static Duration remaining(long deadline) {
		return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
	}

	/**
	 * How long the wrapper may wait for a step already running: a second less than the
	 * command timeout left, so that it answers before this side stops listening.
	 */
	private static long waitSeconds(long deadline) {
		return Math.max(0, remaining(deadline).toSeconds() - 1);
	}

	/** Runs the verify command and reads the version from the last line it printed. */
	private Version verify(ClientSession session, HostPort host, CommandTemplate template, Target target, Patch patch,
			String idempotencyKey) {
		CommandResult ran = this.commands.run(session, host,
				this.settings.shell().command(this.patchCommands.render(template, target, patch, idempotencyKey)));
		if (ran.exitCode() != 0) {
			throw new SshFailure(ResultCause.FATAL_TARGET_ERROR,
					ran.withOutput("the verify command failed with exit code " + ran.exitCode()));
		}
		List<String> lines = ran.stdout().strip().lines().toList();
		return this.results.version(lines.isEmpty() ? "" : lines.getLast().strip());
	}

	/**
	 * Runs the work with a session to the target, holding one of the {@code maxSessions}
	 * command slots.
	 */
	private <T> T onTarget(Target target, SessionWork<T> work) throws InterruptedException {
		HostPort host = host(target);
		return withSlot(() -> work.run(this.sessions.session(host), host));
	}

	private <T> T withSlot(SlotWork<T> work) throws InterruptedException {
		this.commandSlots.acquire();
		try {
			return work.run();
		}
		finally {
			this.commandSlots.release();
		}
	}

	private HostPort host(Target target) {
		try {
			// A target registered without an address is reached by its name.
			String address = (target.address() == null || target.address().isBlank()) ? target.name()
					: target.address();
			return HostPort.parse(address, this.settings.port());
		}
		catch (IllegalArgumentException ex) {
			throw new SshFailure(ResultCause.FATAL_TARGET_ERROR, target.name() + ": " + ex.getMessage());
		}
	}

	private ConnectorCheck login(HostPort host) {
		try {
			this.sessions.session(host);
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
			return this.closed
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
			return InstallResult.infrastructureError(
					this.closed ? "the ssh connector closed" : "the ssh connector failed: " + ex.getMessage());
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

	@FunctionalInterface
	private interface SessionWork<T> {

		T run(ClientSession session, HostPort host);

	}

	@FunctionalInterface
	private interface SlotWork<T> {

		T run() throws InterruptedException;

	}

	/** The wrapper command for one step, in a mode, waiting at most so long. */
	@FunctionalInterface
	private interface Once {

		String command(OnceCall.Mode mode, long waitSeconds);

	}

}
