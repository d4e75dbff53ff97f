package dev.patchwave.connectors.ssh;

import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.connectors.resilience.ConnectorGuard;
import dev.patchwave.connectors.resilience.InfrastructureException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logged-in sessions of one connector, one per host and port, reused while they stay
 * open: commands to the same host share a connection instead of paying for a handshake
 * each. Logging in goes through the guard, so that credentials refused again and again
 * open its breaker; a host that is down or untrusted fails only its own installs.
 */
final class SshSessions implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SshSessions.class);

	private final SshClient client;

	private final String user;

	private final Duration connectTimeout;

	private final ConnectorGuard guard;

	private final ConcurrentMap<HostPort, ClientSession> open = new ConcurrentHashMap<>();

	private final ConcurrentMap<HostPort, ReentrantLock> connecting = new ConcurrentHashMap<>();

	/** Guards {@link #loginsWaitedFor}. */
	private final ReentrantLock waitedLock = new ReentrantLock();

	private final Condition noLoginWaitedFor = this.waitedLock.newCondition();

	/** Logins a command waits for, under way now. */
	private int loginsWaitedFor;

	SshSessions(SshSettings settings, ConnectorGuard guard) {
		this.user = settings.user();
		this.connectTimeout = settings.connectTimeout();
		this.guard = guard;
		this.client = SshClient.setUpDefaultClient();
		// Only what the settings say: not ~/.ssh/config, keys or agents of the account
		// Patchwave runs as.
		this.client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
		this.client.setKeyIdentityProvider(KeyIdentityProvider.wrapKeyPairs(settings.key()));
		this.client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
		this.client.setServerKeyVerifier(new HostKeyVerifier(settings.knownHosts(), settings.trustOnFirstUse()));
		// Each new session pays for the key exchange, so the cheapest come first; the
		// settings checked that every name is known and usable.
		this.client.setKeyExchangeFactories(settings.kexAlgorithms()
			.stream()
			.map(BuiltinDHFactories::fromFactoryName)
			.map(ClientBuilder.DH2KEX)
			.toList());
		this.client.setCipherFactories(
				settings.ciphers().stream().<NamedFactory<Cipher>>map(BuiltinCiphers::fromFactoryName).toList());
		// An installer may print nothing for a long time; the command timeout, not
		// idleness, ends it.
		CoreModuleProperties.IDLE_TIMEOUT.set(this.client, settings.commandTimeout().plus(this.connectTimeout));
		// Every exchange is a small request waiting for a small answer: with Nagle's
		// algorithm a request written in two packets waits for the server's delayed
		// acknowledgement (40 ms on Linux) before its second half leaves.
		CoreModuleProperties.TCP_NODELAY.set(this.client, true);
		this.client.addSessionListener(new QuickAcks());
		this.client.start();
	}

	/**
	 * An open, logged-in session to the host.
	 * @throws SshFailure when the host cannot be reached or its key is not trusted
	 * @throws InfrastructureException when the host refuses the credentials, or the guard
	 * refuses the call
	 */
	ClientSession session(HostPort host) throws InterruptedException {
		ClientSession session = this.open.get(host);
		if (isUsable(session)) {
			return session;
		}
		waitedFor(1);
		try {
			return connectOnce(host);
		}
		finally {
			waitedFor(-1);
		}
	}

	/**
	 * Logs in to the host for a command still to come, unless a session is open: only
	 * while no command waits for a login, so that the logins of the running wave's
	 * commands never queue behind these on a busy host or controller.
	 * @throws SshFailure when the host cannot be reached or its key is not trusted
	 * @throws InfrastructureException when the host refuses the credentials, or the guard
	 * refuses the call
	 */
	void logInAhead(HostPort host) throws InterruptedException {
		if (isUsable(this.open.get(host))) {
			return;
		}
		this.waitedLock.lockInterruptibly();
		try {
			while (this.loginsWaitedFor > 0) {
				this.noLoginWaitedFor.await();
			}
		}
		finally {
			this.waitedLock.unlock();
		}
		connectOnce(host);
	}

	/**
	 * Closes the session if it is still the one kept for the host, so that the next
	 * command logs in afresh: for a connection that stopped answering without closing.
	 */
	void discard(HostPort host, ClientSession session) {
		if (this.open.remove(host, session)) {
			logger.info("Dropping the session to {}: it stopped answering", host);
			session.close(true);
		}
	}

	/** Closes every session; what runs on them fails as the connection drops. */
	@Override
	public void close() {
		this.client.stop();
		this.open.clear();
	}

	/** The session to the host, logging in unless another thread just did. */
	private ClientSession connectOnce(HostPort host) throws InterruptedException {
		ReentrantLock lock = this.connecting.computeIfAbsent(host, key -> new ReentrantLock());
		lock.lockInterruptibly();
		try {
			ClientSession session = this.open.get(host);
			return isUsable(session) ? session : this.guard.write(() -> connect(host));
		}
		finally {
			lock.unlock();
		}
	}

	private void waitedFor(int change) {
		this.waitedLock.lock();
		try {
			this.loginsWaitedFor += change;
			if (this.loginsWaitedFor == 0) {
				this.noLoginWaitedFor.signalAll();
			}
		}
		finally {
			this.waitedLock.unlock();
		}
	}

	private static boolean isUsable(ClientSession session) {
		return session != null && session.isOpen() && session.isAuthenticated();
	}

	private ClientSession connect(HostPort host) {
		ConnectFuture connected;
		HostKeyVerifier.Check check = new HostKeyVerifier.Check(host);
		try {
			connected = this.client.connect(this.user, host.host(), host.port(),
					AttributeRepository.ofKeyValuePair(HostKeyVerifier.CHECK, check), null);
			if (!connected.await(this.connectTimeout)) {
				connected.cancel();
				throw unreachable(host, "no connection within " + this.connectTimeout);
			}
		}
		catch (InterruptedIOException ex) {
			throw closing();
		}
		catch (IOException ex) {
			throw unreachable(host, ex.getMessage());
		}
		if (!connected.isConnected()) {
			Throwable failure = connected.getException();
			throw unreachable(host, (failure != null) ? failure.getMessage() : "connection cancelled");
		}
		ClientSession session = connected.getSession();
		try {
			authenticate(session, check);
		}
		catch (RuntimeException ex) {
			session.close(true);
			throw ex;
		}
		// Registered here rather than by the caller: should the guard stop waiting, the
		// session is still
		// found, reused and eventually closed.
		this.open.put(host, session);
		logger.debug("Logged in to {} as {}", host, this.user);
		return session;
	}

	private void authenticate(ClientSession session, HostKeyVerifier.Check check) {
		HostPort host = check.host();
		AuthFuture auth;
		boolean done;
		try {
			auth = session.auth();
			done = auth.await(this.connectTimeout);
		}
		catch (InterruptedIOException ex) {
			throw closing();
		}
		catch (IOException ex) {
			throw unreachable(host, ex.getMessage());
		}
		if (done && auth.isSuccess()) {
			return;
		}
		Boolean trusted = check.verdict();
		if (Boolean.FALSE.equals(trusted)) {
			throw new SshFailure(ResultCause.FATAL_TARGET_ERROR,
					"host key of %s is not trusted: refused; if this is the right host, add its key to knownHosts"
						.formatted(host));
		}
		if (!done) {
			throw unreachable(host, "no login within " + this.connectTimeout);
		}
		Throwable failure = auth.getException();
		if (Boolean.TRUE.equals(trusted) && failure instanceof SshException ssh
				&& ssh.getDisconnectCode() == SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE) {
			throw InfrastructureException
				.permanent("%s refused the private key of user %s: authentication rejected".formatted(host, this.user));
		}
		throw unreachable(host, (failure != null) ? failure.getMessage() : "the SSH handshake failed");
	}

	private static SshFailure unreachable(HostPort host, String reason) {
		return new SshFailure(ResultCause.UNREACHABLE_TARGET, "cannot reach %s: %s".formatted(host, reason));
	}

	private static SshFailure closing() {
		return new SshFailure(ResultCause.INFRASTRUCTURE_ERROR, "the ssh connector is closing");
	}

}
