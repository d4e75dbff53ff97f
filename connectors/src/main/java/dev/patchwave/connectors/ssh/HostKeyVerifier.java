package dev.patchwave.connectors.ssh;

import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * Decides whether a server is the host it claims to be, before anything is sent to it.
 * Strict: only keys in known_hosts. Trust-on-first-use: hosts that known_hosts does not
 * name are trusted with the first key they show, and refused should they ever show
 * another, for as long as this connector lives.
 */
final class HostKeyVerifier implements ServerKeyVerifier {

	/**
	 * Set on the connection by whoever connects, because the verifier is shared by all
	 * connections.
	 */
	static final AttributeKey<Check> CHECK = new AttributeKey<>();

	private final KnownHosts knownHosts;

	private final boolean trustOnFirstUse;

	private final ConcurrentMap<HostPort, PublicKey> firstSeen = new ConcurrentHashMap<>();

	HostKeyVerifier(KnownHosts knownHosts, boolean trustOnFirstUse) {
		this.knownHosts = knownHosts;
		this.trustOnFirstUse = trustOnFirstUse;
	}

	@Override
	public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
		Check check = session.getConnectionContext().getAttribute(CHECK);
		boolean trusted = check != null && trusts(check.host(), serverKey);
		if (check != null) {
			check.verdict = trusted;
		}
		return trusted;
	}

	boolean trusts(HostPort host, PublicKey key) {
		if (this.knownHosts.revokes(host, key)) {
			return false;
		}
		if (this.knownHosts.lists(host) || !this.trustOnFirstUse) {
			return this.knownHosts.lists(host, key);
		}
		PublicKey first = this.firstSeen.putIfAbsent(host, key);
		return first == null || KeyUtils.compareKeys(first, key);
	}

	/**
	 * The host a connection is meant for and, once its key was seen, the verdict: kept by
	 * the caller, so that a failed handshake can tell a refused key from a lost
	 * connection.
	 */
	static final class Check {

		private final HostPort host;

		private volatile Boolean verdict;

		Check(HostPort host) {
			this.host = host;
		}

		HostPort host() {
			return this.host;
		}

		/**
		 * Whether the key was trusted; null when the handshake never got as far as the
		 * key.
		 */
		Boolean verdict() {
			return this.verdict;
		}

	}

}
