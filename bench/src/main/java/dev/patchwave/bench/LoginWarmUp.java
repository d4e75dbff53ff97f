package dev.patchwave.bench;

import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Logs in to a fleet's hosts over and over with MINA SSHD, the client the ssh connector
 * is built on, and out again. The JIT compiles MINA's login path only after about a
 * thousand logins (measured on this machine, the controller's CPU per login: 6.6 ms after
 * 200, 5.6 after 600, 3.4 after 1,500, 3.0 after 3,000); a controller that has run for a
 * day has compiled it, so a first rollout is measured on compiled code too.
 */
final class LoginWarmUp {

	/** Logins under way at once: enough to be quick, few enough not to drop any. */
	private static final int AT_ONCE = 10;

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private LoginWarmUp() {
	}

	/**
	 * Logs in {@code logins} times, spread over the fleet's hosts; returns how long it
	 * took.
	 */
	static Duration run(SshFleet fleet, int logins) throws Exception {
		long start = System.nanoTime();
		SshClient client = client(fleet);
		try (ExecutorService threads = Executors.newFixedThreadPool(AT_ONCE)) {
			AtomicInteger next = new AtomicInteger();
			List<Future<?>> workers = new ArrayList<>();
			for (int worker = 0; worker < AT_ONCE; worker++) {
				workers.add(threads.submit(() -> {
					for (int login = next.getAndIncrement(); login < logins; login = next.getAndIncrement()) {
						logInAndOut(client, fleet, login % fleet.size());
					}
					return null;
				}));
			}
			for (Future<?> worker : workers) {
				worker.get();
			}
		}
		finally {
			client.stop();
		}
		return Duration.ofNanos(System.nanoTime() - start);
	}

	private static SshClient client(SshFleet fleet) throws Exception {
		SshClient client = SshClient.setUpDefaultClient();
		Iterable<KeyPair> keys;
		try (InputStream key = Files.newInputStream(fleet.privateKeyFile())) {
			keys = SecurityUtils.loadKeyPairIdentities(null, null, key, FilePasswordProvider.EMPTY);
		}
		client.setKeyIdentityProvider(KeyIdentityProvider.wrapKeyPairs(keys));
		// The fleet's own throwaway host key; what is warmed up is the login, not the
		// check.
		client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
		client.start();
		return client;
	}

	private static void logInAndOut(SshClient client, SshFleet fleet, int host) throws Exception {
		try (ClientSession session = client
			.connect(fleet.user(SshFleet.Shell.PLAIN), SshFleet.address(host), fleet.port())
			.verify(TIMEOUT)
			.getSession()) {
			session.auth().verify(TIMEOUT);
		}
	}

}
