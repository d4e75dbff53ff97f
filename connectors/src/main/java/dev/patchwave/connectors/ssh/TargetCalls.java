package dev.patchwave.connectors.ssh;

import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.target.Target;
import dev.patchwave.connectors.resilience.ConnectorGuard;
import dev.patchwave.connectors.resilience.InfrastructureException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.apache.sshd.client.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every command the connector sends to a target goes through here: the target's address,
 * a session to it, one of the {@code maxSessions} command slots, and for the exactly-once
 * wrapper what to do when the connection drops or no answer comes in time. The wrapper's
 * text is the caller's; this class only decides when to send it again and in which mode.
 */
final class TargetCalls implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(TargetCalls.class);

	/** Room for the verify output and the trailer after the step's output tail. */
	private static final int WRAPPER_OUTPUT_BYTES = 4096;

	private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

	private static final Duration MAX_RECONNECT_PAUSE = Duration.ofSeconds(30);

	private final SshSettings settings;

	private final SshSessions sessions;

	private final RemoteCommands commands;

	private final Semaphore commandSlots;

	/**
	 * Logins ahead of installs run at most {@code loginsAhead} at once, in the order they
	 * were asked for: a login costs the host a process or two and some CPU, which a host
	 * sharing a machine with others (or the controller) should not pay for a whole wave
	 * at once while another wave's installs start there.
	 */
	private final Semaphore loginsAhead;

	private volatile boolean closed;

	TargetCalls(SshSettings settings, ConnectorGuard guard, Redaction redaction) {
		this.settings = settings;
		this.commands = new RemoteCommands(settings.commandTimeout(), settings.connectTimeout(),
				settings.outputTailBytes(), redaction);
		this.commandSlots = new Semaphore(settings.maxSessions(), true);
		this.loginsAhead = new Semaphore(settings.loginsAhead(), true);
		this.sessions = new SshSessions(settings, guard);
	}

	/**
	 * Where the target is reached.
	 * @throws SshFailure when its address cannot be read
	 */
	HostPort host(Target target) {
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

	/**
	 * Runs a step through the exactly-once wrapper: one exec, which claims the key's
	 * marker, starts the step detached from the session, verifies and prints the outcome.
	 * When the connection drops or no answer comes in time, the target is asked again
	 * before anything is decided. The command timeout counts from this call, time spent
	 * waiting for a slot included.
	 * @param markerKey the key the step's marker is named by, for the log
	 */
	OnceOutcome once(HostPort host, String markerKey, Wrapper call) throws InterruptedException {
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

	/**
	 * Sends a wrapper command that only reads a marker: one exec, without the retries of
	 * {@link #once}, since a read that fails leaves nothing unknown on the target.
	 */
	OnceOutcome readMarker(Target target, String command) throws InterruptedException {
		HostPort host = host(target);
		return withSlot(() -> exec(this.sessions.session(host), host, command, this.settings.commandTimeout()));
	}

	/**
	 * Runs a plain command, such as a verify that belongs to no install, in a command
	 * slot. The script is built once the session is open, so that a host out of reach is
	 * reported before a command that cannot be built for it.
	 */
	CommandResult run(Target target, Supplier<String> script) throws InterruptedException {
		HostPort host = host(target);
		return withSlot(() -> {
			ClientSession session = this.sessions.session(host);
			return this.commands.run(session, host, this.settings.shell().command(script.get()));
		});
	}

	/**
	 * Logs in to the host, outside the command slots: it runs no command.
	 * @throws SshFailure when the host cannot be reached or its key is not trusted
	 * @throws InfrastructureException when the host refuses the credentials
	 */
	void logIn(HostPort host) throws InterruptedException {
		this.sessions.session(host);
	}

	/**
	 * Logs in to the target's host ahead of its install, outside the command slots; a
	 * session already open is left as it is, and a login under way is waited for, not
	 * repeated. A host that cannot be logged in to is left for the install to meet and
	 * report.
	 */
	void logInAhead(Target target) throws InterruptedException {
		HostPort host;
		try {
			host = host(target);
		}
		catch (SshFailure ex) {
			return;
		}
		this.loginsAhead.acquire();
		try {
			if (!this.closed) {
				this.sessions.logInAhead(host);
			}
		}
		catch (SshFailure | InfrastructureException ex) {
			logger.debug("Could not log in to {} ahead of its install: {}", host, ex.getMessage());
		}
		finally {
			this.loginsAhead.release();
		}
	}

	boolean isClosed() {
		return this.closed;
	}

	/**
	 * Closes every session; commands still running end as the connection drops, and no
	 * reconnect starts after this.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.sessions.close();
	}

	/** Reads the marker after a command that gave no answer in time. */
	private OnceOutcome ask(HostPort host, ClientSession session, Wrapper call, long deadline)
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
	private OnceOutcome reconnect(HostPort host, Wrapper call, OnceCall.Mode mode, long deadline)
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

	private <T> T withSlot(SlotWork<T> work) throws InterruptedException {
		this.commandSlots.acquire();
		try {
			return work.run();
		}
		finally {
			this.commandSlots.release();
		}
	}

	/**
	 * The wrapper command for one step, in a mode, waiting at most so long: the same step
	 * is sent again in another mode after a silence or a dropped connection.
	 */
	@FunctionalInterface
	interface Wrapper {

		String command(OnceCall.Mode mode, long waitSeconds);

	}

	@FunctionalInterface
	private interface SlotWork<T> {

		T run() throws InterruptedException;

	}

}
