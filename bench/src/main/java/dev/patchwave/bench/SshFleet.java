package dev.patchwave.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A fleet of real OpenSSH hosts on loopback: host {@code i} listens on
 * {@code 127.0.(1 + i / 250).(1 + i % 250)}, all on one port, served by as many sshd
 * processes as it takes at 16 addresses each (sshd's limit). Two accounts log in with the
 * same key: one whose login shell is a plain {@code /bin/sh}, one whose shell pays about
 * 100 ms before it starts, as a login shell that runs a profile would. Each host offers
 * an installer that takes 1 s, a verify and a rollback, which count their runs per target
 * so that a run can prove every host was installed exactly once. sshd logs every command
 * it starts, so remote commands can be counted. Needs root: it adds the accounts.
 */
final class SshFleet implements AutoCloseable {

	static final String FIXED = "14.0.7190";

	static final String VULNERABLE = "14.0.6850";

	private static final Path SSHD = Path.of("/usr/sbin/sshd");

	/** sshd refuses more ListenAddress lines than this. */
	private static final int ADDRESSES_PER_SSHD = 16;

	/** The costly shell's start-up, as a login shell that sources a slow profile. */
	static final Duration COSTLY_SHELL_START = Duration.ofMillis(100);

	/** Linux's clock ticks per second in /proc/PID/stat. */
	static final long CLOCK_TICKS = 100;

	private final int size;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private final Path dir;

	private int port;

	private final List<Process> servers = new ArrayList<>();

	private final List<Path> logs = new ArrayList<>();

	private final Map<Shell, String> accounts = new HashMap<>();

	private String privateKey;

	private String knownHosts;

	/** The login shell of an account on the fleet. */
	enum Shell {

		PLAIN, COSTLY

	}

	private SshFleet(int size, Path dir) {
		this.size = size;
		this.dir = dir;
	}

	/** Starts the fleet; close it to stop the servers and remove the accounts. */
	static SshFleet start(int size) throws Exception {
		if (!"root".equals(System.getProperty("user.name"))) {
			throw new IllegalStateException("the ssh bench adds accounts for its fleet, so it must run as root");
		}
		if (!Files.isExecutable(SSHD)) {
			throw new IllegalStateException(
					"the ssh bench needs OpenSSH's server at " + SSHD + ": apt-get install -y openssh-server");
		}
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
		Path keys = Files.createDirectory(this.dir.resolve("keys"));
		run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keys.resolve("host").toString());
		run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keys.resolve("client").toString());
		this.privateKey = Files.readString(keys.resolve("client"));
		// Read by sshd as the account logging in.
		Path shared = Files.createDirectory(this.dir.resolve("shared"));
		Files.copy(keys.resolve("client.pub"), shared.resolve("authorized_keys"));
		writeScripts(Files.createDirectory(this.dir.resolve("bin")));
		this.accounts.put(Shell.PLAIN, account("pwb" + this.run, "/bin/sh"));
		this.accounts.put(Shell.COSTLY, account("pwb" + this.run + "c", this.dir.resolve("bin/costly-sh").toString()));
		this.port = freePort();
		String hostKey = Files.readString(keys.resolve("host.pub")).strip();
		// One line for the whole fleet, as every host shows the same key: a line per host
		// would not fit the connector's stored settings at 300 hosts.
		this.knownHosts = "[127.0.*]:%d %s%n".formatted(this.port, hostKey);
		Files.createDirectories(Path.of("/run/sshd"));
		for (int first = 0; first < this.size; first += ADDRESSES_PER_SSHD) {
			startServer(first, Math.min(this.size, first + ADDRESSES_PER_SSHD));
		}
		awaitListening();
	}

	int size() {
		return this.size;
	}

	int port() {
		return this.port;
	}

	/** The address of host {@code i}, from 0: 127.0.1.1 and up. */
	static String address(int host) {
		return "127.0.%d.%d".formatted(1 + host / 250, 1 + host % 250);
	}

	String user(Shell shell) {
		return this.accounts.get(shell);
	}

	String privateKey() {
		return this.privateKey;
	}

	Path privateKeyFile() {
		return this.dir.resolve("keys/client");
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
		return this.dir.resolve("bin/install").toString();
	}

	/** Prints the version the target runs: {@code verify <target>}. */
	String verifier() {
		return this.dir.resolve("bin/verify").toString();
	}

	/** Takes the patch off: {@code rollback <target>}. */
	String rollbacker() {
		return this.dir.resolve("bin/rollback").toString();
	}

	/** How many commands the fleet's sshd processes started so far, over all hosts. */
	long commandsStarted() throws IOException {
		long count = 0;
		for (Path log : this.logs) {
			try (Stream<String> lines = Files.lines(log)) {
				count += lines.filter(line -> line.contains("Starting session: command")).count();
			}
		}
		return count;
	}

	/**
	 * The CPU the fleet used so far: its sshd processes and every process they started
	 * and reaped (sessions, login shells, the wrapper, installers). A connection's
	 * processes count once it closed, so this waits for the clients to leave first.
	 */
	Duration cpu() throws Exception {
		Instant deadline = Instant.now().plusSeconds(10);
		while (this.servers.stream().anyMatch(server -> server.children().findAny().isPresent())
				&& Instant.now().isBefore(deadline)) {
			// Polls the servers reaping their connections: there is nothing to be told
			// by.
			Thread.sleep(20);
		}
		long ticks = 0;
		for (Process server : this.servers) {
			String[] stat = Files.readString(Path.of("/proc/%d/stat".formatted(server.pid())))
				.replaceFirst("^.*\\) ", "")
				.split(" ");
			// utime, stime, cutime and cstime: fields 14 to 17 of stat, 12 to 15 after
			// the name.
			for (int field = 11; field <= 14; field++) {
				ticks += Long.parseLong(stat[field]);
			}
		}
		return Duration.ofMillis(ticks * 1000 / CLOCK_TICKS);
	}

	/** How often the installer ran for each target, as the account saw it. */
	Map<String, Integer> installs(Shell shell) throws IOException {
		return counts(shell, "installs-");
	}

	/** How often the rollback ran for each target. */
	Map<String, Integer> rollbacks(Shell shell) throws IOException {
		return counts(shell, "rollbacks-");
	}

	/** Stops the servers and removes the accounts and every file of the fleet. */
	@Override
	public void close() throws Exception {
		this.servers.forEach(Process::destroy);
		for (Process server : this.servers) {
			server.waitFor();
		}
		// The installers run detached from the sessions, and a connection's own sshd
		// outlives the listener until its client leaves: the fleet's accounts run
		// nothing else.
		for (String account : this.accounts.values()) {
			for (ProcessHandle process : ProcessHandle.allProcesses()
				.filter(process -> process.info().user().orElse("").equals(account))
				.toList()) {
				try {
					process.onExit().get(5, TimeUnit.SECONDS);
				}
				catch (TimeoutException ex) {
					process.destroyForcibly();
				}
			}
			run("userdel", "-f", account);
		}
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

	private Map<String, Integer> counts(Shell shell, String prefix) throws IOException {
		Map<String, Integer> counts = new HashMap<>();
		try (Stream<Path> files = Files.list(this.dir.resolve(this.accounts.get(shell)).resolve("state"))) {
			for (Path file : files.toList()) {
				String name = file.getFileName().toString();
				if (name.startsWith(prefix)) {
					counts.put(name.substring(prefix.length()), Files.readAllLines(file).size());
				}
			}
		}
		return counts;
	}

	private void writeScripts(Path bin) throws IOException {
		script(bin.resolve("install"), """
				#!/bin/sh
				echo run >> "$HOME/state/installs-$1"
				sleep 1
				echo %s > "$HOME/state/version-$1"
				echo "installed %s on $1"
				""".formatted(FIXED, FIXED));
		script(bin.resolve("verify"), """
				#!/bin/sh
				cat "$HOME/state/version-$1" 2> /dev/null || echo %s
				""".formatted(VULNERABLE));
		script(bin.resolve("rollback"), """
				#!/bin/sh
				echo run >> "$HOME/state/rollbacks-$1"
				rm -f "$HOME/state/version-$1"
				echo "rolled back $1"
				""");
		// sshd starts every command as "<login shell> -c <command>": this one pays its
		// start-up on each.
		script(bin.resolve("costly-sh"), """
				#!/bin/sh
				sleep %s
				exec /bin/sh "$@"
				""".formatted(COSTLY_SHELL_START.toMillis() / 1000.0));
	}

	private static void script(Path file, String text) throws IOException {
		Files.writeString(file, text);
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
	}

	/**
	 * An account of this fleet with its home under the fleet's directory; a password
	 * field of '*', since without one sshd takes the account for locked and refuses even
	 * keys.
	 */
	private String account(String name, String shell) throws Exception {
		Path home = this.dir.resolve(name);
		run("useradd", "-M", "-d", home.toString(), "-s", shell, name);
		run("usermod", "-p", "*", name);
		Files.createDirectories(home.resolve("state"));
		UserPrincipal owner = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(name);
		Files.setOwner(home, owner);
		Files.setOwner(home.resolve("state"), owner);
		return name;
	}

	private void startServer(int first, int end) throws IOException {
		int index = this.servers.size();
		StringBuilder config = new StringBuilder();
		for (int host = first; host < end; host++) {
			config.append("ListenAddress %s:%d%n".formatted(address(host), this.port));
		}
		// MaxStartups: a wave logs in to every host of a server at once; sshd's default
		// (10:30:100) would drop some of those connections at random.
		config.append("""
				HostKey %1$s/keys/host
				AuthorizedKeysFile %1$s/shared/authorized_keys
				PidFile %1$s/keys/sshd-%2$d.pid
				UsePAM no
				StrictModes no
				PasswordAuthentication no
				KbdInteractiveAuthentication no
				MaxStartups 1000
				MaxSessions 100
				LogLevel VERBOSE
				""".formatted(this.dir, index));
		Path file = this.dir.resolve("keys/sshd-%d.conf".formatted(index));
		Files.writeString(file, config);
		Path log = this.dir.resolve("keys/sshd-%d.log".formatted(index));
		Files.createFile(log);
		this.logs.add(log);
		this.servers.add(new ProcessBuilder(SSHD.toString(), "-D", "-f", file.toString(), "-E", log.toString())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start());
	}

	private void awaitListening() throws Exception {
		Instant deadline = Instant.now().plusSeconds(20);
		for (int host = 0; host < this.size; host++) {
			while (!accepts(address(host))) {
				for (int i = 0; i < this.servers.size(); i++) {
					if (!this.servers.get(i).isAlive()) {
						throw new IllegalStateException("sshd exited: " + Files.readString(this.logs.get(i)).strip());
					}
				}
				if (Instant.now().isAfter(deadline)) {
					throw new IllegalStateException("sshd does not listen on " + address(host));
				}
				// Polls a server starting up: there is nothing to be told by.
				Thread.sleep(20);
			}
		}
	}

	private boolean accepts(String address) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(address, this.port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** A port free on every address of the fleet. */
	private int freePort() throws IOException {
		for (int attempt = 0; attempt < 20; attempt++) {
			int candidate;
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address(0)))) {
				candidate = socket.getLocalPort();
			}
			int port = candidate;
			if (IntStream.range(1, this.size).allMatch(host -> bindable(address(host), port))) {
				return candidate;
			}
		}
		throw new IllegalStateException("no port free on all of the fleet's addresses");
	}

	private static boolean bindable(String address, int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(address))) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	static void run(String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		if (process.waitFor() != 0) {
			throw new IllegalStateException("%s failed: %s".formatted(String.join(" ", command), output.strip()));
		}
	}

}
