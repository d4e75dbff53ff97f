package dev.patchwave.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A fleet of real OpenSSH hosts on loopback: host {@code i} listens on
 * {@code 127.0.(1 + i / 250).(1 + i % 250)}, all on one port. Two accounts log in with
 * the same key: one whose login shell is a plain {@code /bin/sh}, one whose shell pays
 * about 100 ms before it starts, as a login shell that runs a profile would. Each host
 * offers an installer that takes 1 s, a verify and a rollback, which count their runs per
 * target so that a run can prove every host was installed exactly once. Remote commands
 * and the fleet's CPU can be counted. Needs root: it adds the accounts.
 * <p>
 * This class is the fleet's host list and its one way in; {@link SshdServers} runs the
 * servers, {@link FleetAccounts} the accounts and their key, {@link FleetScripts} the
 * patch.
 */
final class SshFleet implements AutoCloseable {

	/** Linux's clock ticks per second in /proc/PID/stat. */
	static final long CLOCK_TICKS = 100;

	private final int size;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private final Path dir;

	private final SshdServers servers;

	private final FleetAccounts accounts;

	private FleetScripts scripts;

	private String knownHosts;

	/** The login shell of an account on the fleet. */
	enum Shell {

		PLAIN, COSTLY

	}

	private SshFleet(int size, Path dir) {
		this.size = size;
		this.dir = dir;
		// Made before anything is set up, so that close undoes what a failed set-up did.
		this.servers = new SshdServers(dir);
		this.accounts = new FleetAccounts(dir);
	}

	/** Starts the fleet; close it to stop the servers and remove the accounts. */
	static SshFleet start(int size) throws Exception {
		if (!"root".equals(System.getProperty("user.name"))) {
			throw new IllegalStateException("the ssh bench adds accounts for its fleet, so it must run as root");
		}
		SshdServers.requireSshd();
		Path dir = Files.createTempDirectory("patchwave-fleet-");
		Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
		SshFleet fleet = new SshFleet(size, dir);
		try {
			fleet.setUp();
			return fleet;
		}
		catch (Exception ex) {
			fleet.close();
			throw ex;
		}
	}

	private void setUp() throws Exception {
		Files.createDirectory(this.dir.resolve("keys"));
		this.scripts = FleetScripts.write(this.dir);
		this.accounts.add(this.run, this.scripts);
		this.servers.start(IntStream.range(0, this.size).mapToObj(SshFleet::address).toList(),
				this.accounts.authorizedKeys());
		// One line for the whole fleet, as every host shows the same key: a line per host
		// would not fit the connector's stored settings at 300 hosts.
		this.knownHosts = "[127.0.*]:%d %s%n".formatted(this.servers.port(), this.servers.hostKey());
	}

	int size() {
		return this.size;
	}

	int port() {
		return this.servers.port();
	}

	/** The address of host {@code i}, from 0: 127.0.1.1 and up. */
	static String address(int host) {
		return "127.0.%d.%d".formatted(1 + host / 250, 1 + host % 250);
	}

	String user(Shell shell) {
		return this.accounts.user(shell);
	}

	String privateKey() {
		return this.accounts.privateKey();
	}

	Path privateKeyFile() {
		return this.accounts.privateKeyFile();
	}

	String knownHosts() {
		return this.knownHosts;
	}

	Path knownHostsFile() throws IOException {
		Path file = this.dir.resolve("keys/known_hosts");
		if (!Files.exists(file)) {
			Files.writeString(file, this.knownHosts);
		}
		return file;
	}

	Path dir() {
		return this.dir;
	}

	/** The installer: {@code install <target>}, 1 s, then the fixed version. */
	String installer() {
		return this.scripts.installer().toString();
	}

	/** Prints the version the target runs: {@code verify <target>}. */
	String verifier() {
		return this.scripts.verifier().toString();
	}

	/** Takes the patch off: {@code rollback <target>}. */
	String rollbacker() {
		return this.scripts.rollbacker().toString();
	}

	/** How many commands the fleet's sshd processes started so far, over all hosts. */
	long commandsStarted() throws IOException {
		return this.servers.commandsStarted();
	}

	/**
	 * The CPU the fleet used so far: its sshd processes and every process they started
	 * and reaped. A connection's processes count once it closed, so this waits for the
	 * clients to leave first.
	 */
	Duration cpu() throws Exception {
		return Duration.ofMillis(this.servers.cpuTicks() * 1000 / CLOCK_TICKS);
	}

	/** How often the installer ran for each target, as the account saw it. */
	Map<String, Integer> installs(Shell shell) throws IOException {
		return this.accounts.runs(shell, FleetScripts.INSTALLS);
	}

	/** How often the rollback ran for each target. */
	Map<String, Integer> rollbacks(Shell shell) throws IOException {
		return this.accounts.runs(shell, FleetScripts.ROLLBACKS);
	}

	/** Stops the servers and removes the accounts and every file of the fleet. */
	@Override
	public void close() throws Exception {
		// The servers first, as removing the accounts requires.
		this.servers.close();
		this.accounts.close();
		try (Stream<Path> paths = Files.walk(this.dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach(path -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
	}

}
