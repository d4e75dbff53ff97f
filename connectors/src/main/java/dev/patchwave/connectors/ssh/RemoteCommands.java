package dev.patchwave.connectors.ssh;

import dev.patchwave.common.connector.ResultCause;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

/**
 * Runs one command on an open session and waits, at most the command timeout, for its
 * exit code.
 */
final class RemoteCommands {

	/**
	 * Enough for the last lines of a verify command, whatever the output tail is set to.
	 */
	private static final int STDOUT_TAIL_BYTES = 4096;

	private final Duration commandTimeout;

	private final Duration openTimeout;

	private final int outputTailBytes;

	private final Redaction redaction;

	RemoteCommands(Duration commandTimeout, Duration openTimeout, int outputTailBytes, Redaction redaction) {
		this.commandTimeout = commandTimeout;
		this.openTimeout = openTimeout;
		this.outputTailBytes = outputTailBytes;
		this.redaction = redaction;
	}

	CommandResult run(ClientSession session, HostPort host, String command) {
		return run(session, host, command, this.commandTimeout, STDOUT_TAIL_BYTES);
	}

	/**
	 * Runs the command, waiting at most the timeout, and keeps the last
	 * {@code stdoutTailBytes} of its standard output.
	 * @throws SshFailure when the command could not be started: nothing ran
	 * @throws ConnectionLost when the connection failed after the command started
	 * @throws NoResultInTime when the command gave no exit code within the timeout
	 */
	CommandResult run(ClientSession session, HostPort host, String command, Duration timeout, int stdoutTailBytes) {
		OutputTail stdout = new OutputTail(stdoutTailBytes);
		OutputTail output = new OutputTail(this.outputTailBytes);
		try (ChannelExec channel = session.createExecChannel(command)) {
			channel.setOut(new Both(stdout, output));
			channel.setErr(output);
			try {
				channel.open().verify(this.openTimeout);
			}
			catch (IOException ex) {
				throw new SshFailure(ResultCause.UNREACHABLE_TARGET,
						"could not start a command on %s: %s".formatted(host, ex.getMessage()));
			}
			Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
			if (!events.contains(ClientChannelEvent.CLOSED)) {
				// Closing the channel is all SSH offers: a command that ignores its
				// closed output runs on.
				channel.close(true);
				throw new NoResultInTime(result(0, stdout, output).withOutput("no result within " + timeout));
			}
			Integer exitStatus = channel.getExitStatus();
			if (exitStatus == null) {
				throw session.isOpen() ? new SshFailure(ResultCause.FATAL_TARGET_ERROR,
						result(0, stdout, output).withOutput("the command ended without an exit code"
								+ ((channel.getExitSignal() != null) ? ", by signal " + channel.getExitSignal() : "")))
						: new ConnectionLost(host, "the connection closed");
			}
			return result(exitStatus, stdout, output);
		}
		catch (IOException ex) {
			throw new ConnectionLost(host, ex.getMessage());
		}
	}

	private CommandResult result(int exitCode, OutputTail stdout, OutputTail output) {
		return new CommandResult(exitCode, stdout.text(), output.text(), this.redaction);
	}

	/**
	 * The connection failed while the command ran: whether it ended, and how, only the
	 * target can tell.
	 */
	static final class ConnectionLost extends SshFailure {

		ConnectionLost(HostPort host, String reason) {
			super(ResultCause.UNREACHABLE_TARGET, "the SSH connection to %s failed: %s".formatted(host, reason));
		}

	}

	/**
	 * The command gave no exit code in time; it may still run, or have ended unheard on a
	 * stalled connection.
	 */
	static final class NoResultInTime extends SshFailure {

		NoResultInTime(String message) {
			super(ResultCause.FATAL_TARGET_ERROR, message);
		}

	}

	/**
	 * Standard output goes to its own tail, to read a version from, and to the shared
	 * one.
	 */
	private static final class Both extends OutputStream {

		private final OutputStream first;

		private final OutputStream second;

		Both(OutputStream first, OutputStream second) {
			this.first = first;
			this.second = second;
		}

		@Override
		public void write(int b) throws IOException {
			this.first.write(b);
			this.second.write(b);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			this.first.write(bytes, offset, length);
			this.second.write(bytes, offset, length);
		}

	}

}
