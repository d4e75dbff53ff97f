package dev.patchwave.connectors.ssh;

import dev.patchwave.common.connector.InvalidConnectorConfigException;
import dev.patchwave.connectors.resilience.ResilienceSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.OptionalFeature;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * How an SSH connector reaches its targets and what it runs there. Template overrides are
 * keyed by their setting name, {@code install.<patchId>}, {@code verify.<patchId>} or
 * {@code rollback.<patchId>}.
 *
 * @param passphrase the private key's passphrase, or null; kept to redact it from command
 * output
 * @param knownHosts the host keys trusted from the start; empty under trust-on-first-use
 * without any
 * @param testHost where {@code test()} tries to log in, or null for nowhere
 * @param reconnectTimeout how long to keep trying to reach a host whose connection
 * dropped while a step ran, before answering that the connector cannot tell
 * @param loginsAhead how many hosts are logged in to at once ahead of their installs,
 * while no command waits for a login
 * @param kexAlgorithms the key exchanges offered, most wanted first
 * @param ciphers the ciphers offered, most wanted first
 */
record SshSettings(String user, KeyPair key, String passphrase, KnownHosts knownHosts, boolean trustOnFirstUse,
		int port, Duration connectTimeout, Duration commandTimeout, Duration reconnectTimeout, int maxSessions,
		int loginsAhead, int outputTailBytes, Shell shell, HostPort testHost, List<String> kexAlgorithms,
		List<String> ciphers, Map<String, CommandTemplate> overrides, ResilienceSettings resilience) {

	static final String USER = "user";

	static final String PRIVATE_KEY = "privateKey";

	static final String PRIVATE_KEY_PASSPHRASE = "privateKeyPassphrase";

	static final String KNOWN_HOSTS = "knownHosts";

	static final String HOST_KEY_POLICY = "hostKeyPolicy";

	static final String PORT = "port";

	static final String CONNECT_TIMEOUT = "connectTimeout";

	static final String COMMAND_TIMEOUT = "commandTimeout";

	static final String RECONNECT_TIMEOUT = "reconnectTimeout";

	static final String KEX_ALGORITHMS = "kexAlgorithms";

	static final String CIPHERS = "ciphers";

	static final String MAX_SESSIONS = "maxSessions";

	static final String LOGINS_AHEAD = "loginsAhead";

	static final String OUTPUT_TAIL_BYTES = "outputTailBytes";

	static final String SHELL = "shell";

	static final String TEST_HOST = "testHost";

	static final List<String> STEPS = List.of("install", "verify", "rollback");

	private static final String STRICT = "strict";

	private static final String TRUST_ON_FIRST_USE = "trust-on-first-use";

	private static final List<String> OWN_SETTINGS = List.of(USER, PRIVATE_KEY, PRIVATE_KEY_PASSPHRASE, KNOWN_HOSTS,
			HOST_KEY_POLICY, PORT, CONNECT_TIMEOUT, COMMAND_TIMEOUT, RECONNECT_TIMEOUT, MAX_SESSIONS, LOGINS_AHEAD,
			OUTPUT_TAIL_BYTES, SHELL, TEST_HOST, KEX_ALGORITHMS, CIPHERS);

	/**
	 * The cheapest key exchange and ciphers first, since every new session pays for them;
	 * the last of each for servers that offer neither (FIPS builds without curve25519 or
	 * ChaCha20).
	 */
	private static final String DEFAULT_KEX = "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256";

	private static final String DEFAULT_CIPHERS = "chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,aes128-ctr";

	/** Every cipher but {@code none}, which would send commands and keys in the clear. */
	private static final Set<BuiltinCiphers> ENCRYPTING_CIPHERS = EnumSet.complementOf(EnumSet.of(BuiltinCiphers.none));

	SshSettings {
		kexAlgorithms = List.copyOf(kexAlgorithms);
		ciphers = List.copyOf(ciphers);
		overrides = Map.copyOf(overrides);
	}

	static SshSettings parse(Map<String, String> settings) {
		rejectUnknown(settings);
		// Not stripped like the other settings: spaces may be part of a passphrase.
		String passphrase = settings.get(PRIVATE_KEY_PASSPHRASE);
		passphrase = (passphrase == null || passphrase.isEmpty()) ? null : passphrase;
		boolean trustOnFirstUse = hostKeyPolicy(settings);
		String knownHosts = optional(settings, KNOWN_HOSTS);
		if (knownHosts == null && !trustOnFirstUse) {
			throw new InvalidConnectorConfigException(KNOWN_HOSTS, "knownHosts is required: the known_hosts lines of "
					+ "the targets, unless hostKeyPolicy is trust-on-first-use");
		}
		int port = integer(settings, PORT, 22, 1, 65_535);
		String testHost = optional(settings, TEST_HOST);
		return new SshSettings(required(settings, USER), key(required(settings, PRIVATE_KEY), passphrase), passphrase,
				(knownHosts != null) ? KnownHosts.parse(knownHosts) : KnownHosts.NONE, trustOnFirstUse, port,
				duration(settings, CONNECT_TIMEOUT, Duration.ofSeconds(10), Duration.ofMinutes(5)),
				duration(settings, COMMAND_TIMEOUT, Duration.ofMinutes(30), Duration.ofHours(24)),
				duration(settings, RECONNECT_TIMEOUT, Duration.ofMinutes(5), Duration.ofHours(24)),
				integer(settings, MAX_SESSIONS, 20, 1, 1000), integer(settings, LOGINS_AHEAD, 10, 0, 1000),
				integer(settings, OUTPUT_TAIL_BYTES, 4096, 0, 1 << 20), shell(settings),
				(testHost != null) ? testHost(testHost, port) : null,
				algorithms(settings, KEX_ALGORITHMS, DEFAULT_KEX, BuiltinDHFactories::fromFactoryName,
						BuiltinDHFactories.VALUES),
				algorithms(settings, CIPHERS, DEFAULT_CIPHERS, SshSettings::cipher, ENCRYPTING_CIPHERS),
				overrides(settings), ResilienceSettings.from(settings));
	}

	/** The template for a step of a patch set by this connector's settings, or null. */
	CommandTemplate override(String step, String patchId) {
		return this.overrides.get(step + "." + patchId);
	}

	/**
	 * Leaves out the key and passphrase, so that logging the settings never shows them.
	 */
	@Override
	public String toString() {
		return "SshSettings[user=%s, port=%d, shell=%s, trustOnFirstUse=%s]".formatted(this.user, this.port, this.shell,
				this.trustOnFirstUse);
	}

	private static void rejectUnknown(Map<String, String> settings) {
		// Sorted, so the same misspelt configuration always names the same setting.
		for (String name : new TreeSet<>(settings.keySet())) {
			if (!OWN_SETTINGS.contains(name) && !ResilienceSettings.KEYS.contains(name) && !isOverride(name)) {
				List<String> known = new ArrayList<>(OWN_SETTINGS);
				STEPS.forEach(step -> known.add(step + ".<patchId>"));
				known.addAll(new TreeSet<>(ResilienceSettings.KEYS));
				throw new InvalidConnectorConfigException(name,
						"unknown setting '%s'; known settings: %s".formatted(name, String.join(", ", known)));
			}
		}
	}

	private static boolean isOverride(String name) {
		int dot = name.indexOf('.');
		return dot > 0 && dot < name.length() - 1 && STEPS.contains(name.substring(0, dot));
	}

	private static Map<String, CommandTemplate> overrides(Map<String, String> settings) {
		Map<String, CommandTemplate> overrides = new HashMap<>();
		settings.forEach((name, text) -> {
			if (isOverride(name)) {
				if (text == null || text.isBlank()) {
					throw new InvalidConnectorConfigException(name, name + " must be a command, got nothing");
				}
				try {
					overrides.put(name, CommandTemplate.parse(text));
				}
				catch (IllegalArgumentException ex) {
					throw new InvalidConnectorConfigException(name, name + ": " + ex.getMessage());
				}
			}
		});
		return overrides;
	}

	private static KeyPair key(String text, String passphrase) {
		String unreadable = "privateKey is not a private key Patchwave can read: it must be an OpenSSH or PEM "
				+ "RSA, ECDSA or Ed25519 private key, and privateKeyPassphrase its passphrase when it is encrypted";
		try {
			Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(PRIVATE_KEY),
					new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
					(passphrase != null) ? FilePasswordProvider.of(passphrase) : FilePasswordProvider.EMPTY);
			Iterator<KeyPair> found = (keys != null) ? keys.iterator() : null;
			if (found != null && found.hasNext()) {
				return found.next();
			}
		}
		catch (IOException | GeneralSecurityException | RuntimeException ex) {
			// The reason may quote the key material, so it is not passed on.
		}
		throw new InvalidConnectorConfigException(PRIVATE_KEY, unreadable);
	}

	private static boolean hostKeyPolicy(Map<String, String> settings) {
		String policy = optional(settings, HOST_KEY_POLICY);
		if (policy == null || policy.equals(STRICT)) {
			return false;
		}
		if (policy.equals(TRUST_ON_FIRST_USE)) {
			return true;
		}
		throw new InvalidConnectorConfigException(HOST_KEY_POLICY,
				"hostKeyPolicy must be strict or trust-on-first-use, got '%s'".formatted(policy));
	}

	private static Shell shell(Map<String, String> settings) {
		String name = optional(settings, SHELL);
		if (name == null) {
			return Shell.POSIX;
		}
		return Stream.of(Shell.values())
			.filter(shell -> shell.settingValue().equals(name))
			.findFirst()
			.orElseThrow(() -> new InvalidConnectorConfigException(SHELL,
					"shell must be posix or powershell, got '%s'".formatted(name)));
	}

	/**
	 * A comma-separated list of algorithm names, each one this SSH library implements and
	 * can use on this JVM.
	 */
	private static <A extends NamedResource & OptionalFeature> List<String> algorithms(Map<String, String> settings,
			String name, String fallback, Function<String, A> lookup, Set<A> all) {
		String value = Objects.requireNonNullElse(optional(settings, name), fallback);
		List<String> names = Stream.of(value.split(",")).map(String::strip).filter(text -> !text.isEmpty()).toList();
		for (String algorithm : names) {
			A found = lookup.apply(algorithm);
			if (found == null || !found.isSupported()) {
				throw new InvalidConnectorConfigException(name,
						"%s: '%s' is not an algorithm Patchwave can use; supported: %s".formatted(name, algorithm,
								all.stream()
									.filter(OptionalFeature::isSupported)
									.map(NamedResource::getName)
									.sorted()
									.collect(Collectors.joining(", "))));
			}
		}
		if (names.isEmpty()) {
			throw new InvalidConnectorConfigException(name, name + " must name at least one algorithm");
		}
		return names;
	}

	private static BuiltinCiphers cipher(String name) {
		BuiltinCiphers cipher = BuiltinCiphers.fromFactoryName(name);
		return ENCRYPTING_CIPHERS.contains(cipher) ? cipher : null;
	}

	private static HostPort testHost(String address, int port) {
		try {
			return HostPort.parse(address, port);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConnectorConfigException(TEST_HOST, "testHost: " + ex.getMessage());
		}
	}

	private static String required(Map<String, String> settings, String name) {
		String value = optional(settings, name);
		if (value == null) {
			throw new InvalidConnectorConfigException(name, name + " is required");
		}
		return value;
	}

	/** Blank counts as not set: forms send empty strings for fields left alone. */
	private static String optional(Map<String, String> settings, String name) {
		String value = settings.get(name);
		return (value == null || value.isBlank()) ? null : value.strip();
	}

	private static int integer(Map<String, String> settings, String name, int fallback, int min, int max) {
		String value = optional(settings, name);
		if (value == null) {
			return fallback;
		}
		try {
			int parsed = Integer.parseInt(value);
			if (parsed >= min && parsed <= max) {
				return parsed;
			}
		}
		catch (NumberFormatException ex) {
			// reported below with the accepted range
		}
		throw new InvalidConnectorConfigException(name,
				"%s must be a whole number from %d to %d, got '%s'".formatted(name, min, max, value));
	}

	private static Duration duration(Map<String, String> settings, String name, Duration fallback, Duration max) {
		String value = optional(settings, name);
		if (value == null) {
			return fallback;
		}
		try {
			Duration parsed = Duration.parse(value);
			if (parsed.isPositive() && parsed.compareTo(max) <= 0) {
				return parsed;
			}
		}
		catch (DateTimeParseException ex) {
			// reported below with the expected form
		}
		throw new InvalidConnectorConfigException(name,
				"%s must be an ISO-8601 duration above zero and at most %s, like PT10S, got '%s'".formatted(name, max,
						value));
	}

}
