package dev.patchwave.connectors.ssh;

import dev.patchwave.common.connector.InvalidConnectorConfigException;
import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * The host keys of a known_hosts file, hashed host names and {@code [host]:port} patterns
 * included. {@code @revoked} keys are refused for the hosts their line names;
 * {@code @cert-authority} lines are ignored, since certificates are not accepted.
 */
record KnownHosts(List<Entry> entries) {

	static final KnownHosts NONE = new KnownHosts(List.of());

	KnownHosts {
		entries = List.copyOf(entries);
	}

	static KnownHosts parse(String text) {
		List<KnownHostEntry> lines;
		try {
			lines = KnownHostEntry.readKnownHostEntries(new StringReader(text), true);
		}
		catch (IOException | RuntimeException ex) {
			throw unreadable(ex);
		}
		List<Entry> entries = new ArrayList<>();
		for (KnownHostEntry line : lines) {
			if ("cert-authority".equals(line.getMarker())) {
				continue;
			}
			try {
				// Null for key types this client cannot use: such a host is refused
				// rather than the whole file.
				PublicKey key = line.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
				if (key != null) {
					entries.add(new Entry(line, key, "revoked".equals(line.getMarker())));
				}
			}
			catch (IOException | GeneralSecurityException | RuntimeException ex) {
				throw unreadable(ex);
			}
		}
		if (entries.isEmpty()) {
			throw new InvalidConnectorConfigException(SshSettings.KNOWN_HOSTS,
					"knownHosts holds no host key Patchwave can use: expected known_hosts lines with RSA or ECDSA "
							+ "keys");
		}
		return new KnownHosts(entries);
	}

	/**
	 * Whether the file names a key for this host, so that trust-on-first-use must not
	 * decide.
	 */
	boolean lists(HostPort host) {
		return matching(host).anyMatch(entry -> !entry.revoked());
	}

	boolean lists(HostPort host, PublicKey key) {
		return matching(host).anyMatch(entry -> !entry.revoked() && KeyUtils.compareKeys(entry.key(), key));
	}

	boolean revokes(HostPort host, PublicKey key) {
		return matching(host).anyMatch(entry -> entry.revoked() && KeyUtils.compareKeys(entry.key(), key));
	}

	private Stream<Entry> matching(HostPort host) {
		return this.entries.stream().filter(entry -> entry.line().isHostMatch(host.host(), host.port()));
	}

	private static InvalidConnectorConfigException unreadable(Exception ex) {
		return new InvalidConnectorConfigException(SshSettings.KNOWN_HOSTS,
				"knownHosts is not in known_hosts format (host patterns, key type, base64 key on each line): "
						+ ex.getMessage());
	}

	record Entry(KnownHostEntry line, PublicKey key, boolean revoked) {
	}

}
