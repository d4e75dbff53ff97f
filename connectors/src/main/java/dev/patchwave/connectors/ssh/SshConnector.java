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
 * Installs by running the patch's commands on each target over SSH. The install command
 * is wrapped so that the target remembers its exit code under the idempotency key: a key
 * sent again, to this connector or to one created after a restart, answers that exit code
 * instead of installing twice. All SSH work runs on virtual threads; at most
 * {@code maxSessions} commands run at once.
 */
public final class SshConnector implements Connector {

	private static final Logger logger = LoggerFactory.getLogger(SshConnector.class);

	private final SshSettings settings;

	private final ConnectorGuard guard;

	private final SshSessions sessions;

	private final RemoteCommands commands;

	private final Redaction redaction;

	private final Semaphore commandSlots;

	private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

	private final ConcurrentMap<String, CompletableFuture<InstallResult>> installs = new ConcurrentHashMap<>();

	/** Catalog steps found unusable, by patch, for {@link #test()} to report. */
	private final ConcurrentMap<String, String> catalogProblems = new ConcurrentHashMap<>();

	private volatile boolean closed;

	SshConnector(String name, SshSettings settings) {
		this.settings = settings;
		this.guard = new ConnectorGuard(name, settings.resilience());
		this.redaction = new Redaction(settings.passphrase());
		this.commands = new RemoteCommands(settings.commandTimeout(), settings.connectTimeout(),
				settings.outputTailBytes(), this.redaction);
		this.commandSlots = new Semaphore(settings.maxSessions(), true);
		this.sessions = new SshSessions(settings, this.guard);
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
			InstallResult result = outcome(() -> install(request, steps(request.patch())));
			if (result.cause().isInfrastructureError()) {
				// Nothing ran on the target, so a resend of the key must really install.
				this.installs.remove(request.idempotencyKey(), mine);
			}
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

	@Override
	public CompletionStage<CallStatus> status(InstallRequest request) {
		return CompletableFuture.completedStage(CallStatus.of(this.installs.get(request.idempotencyKey())));
	}

	@Override
	public CompletionStage<Version> installedVersion(Target target, Patch patch) {
		CompletableFuture<Version> version = new CompletableFuture<>();
		submit(version, () -> {
			PatchSteps steps = steps(patch);
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
			InstallResult outcome = outcome(() -> rollback(request, steps(request.patch())));
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
			results.add(this.catalogProblems.isEmpty()
					? ConnectorCheck.passed("command templates", templates.formatted(this.settings.overrides().size()))
					: ConnectorCheck.failed("command templates", String.join("; ", this.catalogProblems.values())));
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
		Patch patch = request.patch();
		String command = this.settings.shell()
			.idempotent(render(steps.install(), request.target(), patch, request.idempotencyKey()),
					request.idempotencyKey());
		logger.info("Installing {} on {} (key {})", patch.id(), request.target().name(), request.idempotencyKey());
		return onTarget(request.target(), (session, host) -> {
			CommandResult ran = this.commands.run(session, host, command);
			int exitCode = ran.exitCode();
			ResultCause cause = steps.classify(exitCode);
			if (!cause.isSuccess() || steps.verify() == null) {
				return new InstallResult(cause, exitCode, ran.withOutput(steps.describe(exitCode)), null);
			}
			Version version;
			try {
				version = verify(session, host, steps.verify(), request.target(), patch, request.idempotencyKey());
			}
			catch (SshFailure ex) {
				return new InstallResult(ex.resultCause(), exitCode,
						ran.withOutput(steps.describe(exitCode) + ", but " + ex.getMessage()), null);
			}
			if (!version.isAtLeast(patch.fixedVersion())) {
				return new InstallResult(ResultCause.FATAL_TARGET_ERROR, exitCode,
						ran.withOutput("version check mismatch: reports %s, expected at least %s".formatted(version,
								patch.fixedVersion())),
						version);
			}
			return new InstallResult(cause, exitCode,
					ran.withOutput(steps.describe(exitCode) + "; reports version " + version), version);
		});
	}

	private InstallResult rollback(InstallRequest request, PatchSteps steps) throws InterruptedException {
		if (steps.rollback() == null) {
			return new InstallResult(ResultCause.FATAL_TARGET_ERROR, null,
					PatchSteps.missing("rollback", request.patch()), null);
		}
		String command = this.settings.shell()
			.command(render(steps.rollback(), request.target(), request.patch(), request.idempotencyKey()));
		logger.info("Rolling back {} on {} (key {})", request.patch().id(), request.target().name(),
				request.idempotencyKey());
		return onTarget(request.target(), (session, host) -> {
			CommandResult ran = this.commands.run(session, host, command);
			int exitCode = ran.exitCode();
			ResultCause cause = steps.classify(exitCode);
			if (!cause.isSuccess() || steps.verify() == null) {
				String done = cause.isSuccess() ? "patch removed (exit code %d)".formatted(exitCode)
						: "rollback failed: " + steps.describe(exitCode);
				return new InstallResult(cause, exitCode, ran.withOutput(done), null);
			}
			try {
				Version version = verify(session, host, steps.verify(), request.target(), request.patch(),
						request.idempotencyKey());
				return new InstallResult(cause, exitCode, ran.withOutput("patch removed; reports version " + version),
						version);
			}
			catch (SshFailure ex) {
				return new InstallResult(ex.resultCause(), exitCode,
						ran.withOutput("patch removed, but " + ex.getMessage()), null);
			}
		});
	}

	/** Runs the verify command and reads the version from the last line it printed. */
	private Version verify(ClientSession session, HostPort host, CommandTemplate template, Target target, Patch patch,
			String idempotencyKey) {
		CommandResult ran = this.commands.run(session, host,
				this.settings.shell().command(render(template, target, patch, idempotencyKey)));
		if (ran.exitCode() != 0) {
			throw new SshFailure(ResultCause.FATAL_TARGET_ERROR,
					ran.withOutput("the verify command failed with exit code " + ran.exitCode()));
		}
		List<String> lines = ran.stdout().strip().lines().toList();
		String last = lines.isEmpty() ? "" : lines.getLast().strip();
		try {
			return Version.parse(last);
		}
		catch (IllegalArgumentException ex) {
			String shown = (last.length() > 80) ? last.substring(0, 80) + "..." : last;
			throw new SshFailure(ResultCause.FATAL_TARGET_ERROR,
					"the verify command printed '%s', not a version like 14.0.7190"
						.formatted(this.redaction.apply(shown)));
		}
	}

	/**
	 * The patch's steps; a catalog step naming an unknown variable fails, and is kept for
	 * {@link #test()}.
	 */
	private PatchSteps steps(Patch patch) {
		try {
			return PatchSteps.of(patch, this.settings);
		}
		catch (IllegalArgumentException ex) {
			this.catalogProblems.put(patch.id(), ex.getMessage());
			throw new SshFailure(ResultCause.FATAL_TARGET_ERROR, ex.getMessage());
		}
	}

	private String render(CommandTemplate template, Target target, Patch patch, String idempotencyKey) {
		try {
			return template.render(CommandTemplate.variables(target, patch, idempotencyKey), this.settings.shell());
		}
		catch (IllegalArgumentException ex) {
			throw new SshFailure(ResultCause.FATAL_TARGET_ERROR,
					"cannot build the command for %s: %s".formatted(target.name(), ex.getMessage()));
		}
	}

	/**
	 * Runs the work with a session to the target, holding one of the {@code maxSessions}
	 * command slots.
	 */
	private <T> T onTarget(Target target, SessionWork<T> work) throws InterruptedException {
		HostPort host;
		try {
			// A target registered without an address is reached by its name.
			String address = (target.address() == null || target.address().isBlank()) ? target.name()
					: target.address();
			host = HostPort.parse(address, this.settings.port());
		}
		catch (IllegalArgumentException ex) {
			throw new SshFailure(ResultCause.FATAL_TARGET_ERROR, target.name() + ": " + ex.getMessage());
		}
		this.commandSlots.acquire();
		try {
			return work.run(this.sessions.session(host), host);
		}
		finally {
			this.commandSlots.release();
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
			return this.closed ? InstallResult.infrastructureError("the ssh connector closed while the command ran; "
					+ "resending the key is safe, the target answers an install that finished") : ex.result();
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

}
