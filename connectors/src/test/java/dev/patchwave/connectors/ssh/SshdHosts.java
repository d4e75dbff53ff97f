package dev.patchwave.connectors.ssh;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real OpenSSH server for the tests of a class, listening on one free port of several
 * loopback addresses (127.0.0.2 and up), each standing for one host of a fleet. It trusts
 * a generated client key, and offers scripts that play an installer, its verify and its
 * rollback. Run as root, it logs in as an account of its own whose login shell is
 * {@code /bin/sh}, so that a command costs what the connector costs, not root's shell
 * start-up; otherwise as the user running the tests. It logs every command it starts, so
 * tests can count them.
 *
 * <p>
 * Register it with {@code @RegisterExtension static SshdHosts hosts = new SshdHosts(3);}.
 * Fails, rather than skips, when {@code /usr/sbin/sshd} is missing: these tests are the
 * only proof the connector works.
 */
public final class SshdHosts implements BeforeAllCallback, AfterAllCallback {

	static final String PASSPHRASE = "correct horse battery staple";

	private static final Path SSHD = Path.of("/usr/sbin/sshd");

	private final int hostCount;

	/** The type of the host key and the client keys, as ssh-keygen names it. */
	private final String keyType;

	/** The account commands run as, when this extension created one; else null. */
	private String account;

	/**
	 * Prefixes the idempotency keys of this run, so that their markers are told apart and
	 * removed after.
	 */
	private final String run = "t" + UUID.randomUUID().toString().substring(0, 8);

	private Path dir;

	private int port;

	private Process sshd;

	private KeyFiles hostKey;

	private KeyFiles otherHostKey;

	private KeyFiles clientKey;

	private KeyFiles encryptedClientKey;

	private KeyFiles strangerKey;

	public SshdHosts(int hostCount) {
		this(hostCount, "ecdsa");
	}

	/** Hosts whose host key and trusted client keys are of this ssh-keygen type. */
	public SshdHosts(int hostCount, String keyType) {
		if (hostCount < 1 || hostCount > 16) {
			throw new IllegalArgumentException("one sshd listens on 1 to 16 addresses");
		}
		this.hostCount = hostCount;
		this.keyType = keyType;
	}

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		if (!Files.isExecutable(SSHD)) {
			fail("The SSH connector tests need a real OpenSSH server at %s: run apt-get install -y openssh-server",
					SSHD);
		}
		this.dir = Files.createTempDirectory("sshd-hosts");
		this.hostKey = newKey(this.dir, "host_key", this.keyType, "");
		this.otherHostKey = newKey(this.dir, "other_host_key", this.keyType, "");
		this.clientKey = newKey(this.dir, "client_key", this.keyType, "");
		this.encryptedClientKey = newKey(this.dir, "encrypted_client_key", this.keyType, PASSPHRASE);
		this.strangerKey = newKey(this.dir, "stranger_key", this.keyType, "");
		Files.writeString(this.dir.resolve("authorized_keys"),
				this.clientKey.publicKey() + "\n" + this.encryptedClientKey.publicKey() + "\n");
		this.port = freePort();
		Path config = writeConfig();
		writeScripts();
		this.account = createAccount();
		Files.createDirectories(Path.of("/run/sshd"));
		this.sshd = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString()).redirectErrorStream(true)
			.redirectOutput(this.dir.resolve("sshd.log").toFile())
			.start();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
			if (!this.sshd.isAlive()) {
				fail("sshd exited with %d: %s", this.sshd.exitValue(), Files.readString(this.dir.resolve("sshd.log")));
			}
			return accepts(address(0));
		});
	}

	@Override
	public void afterAll(ExtensionContext context) throws Exception {
		if (this.sshd != null) {
			this.sshd.destroyForcibly();
			killLeftoverCommands();
		}
		if (this.account != null) {
			command("userdel", "-f", this.account);
		}
		deleteTree(markers());
		if (this.dir != null) {
			deleteTree(this.dir);
		}
	}

	public String user() {
		return (this.account != null) ? this.account : System.getProperty("user.name");
	}

	/** The address of the n-th host, from 0. */
	public String address(int host) {
		return "127.0.0.%d:%d".formatted(host + 2, this.port);
	}

	/** An address on the same port where nothing listens. */
	String deadAddress() {
		return "127.0.0.%d:%d".formatted(this.hostCount + 2, this.port);
	}

	public String privateKey() {
		return this.clientKey.privateKey();
	}

	/** A private key encrypted with {@link #PASSPHRASE}, trusted like the plain one. */
	String encryptedPrivateKey() {
		return this.encryptedClientKey.privateKey();
	}

	/** A readable private key the server does not trust. */
	String strangerPrivateKey() {
		return this.strangerKey.privateKey();
	}

	/** The hosts' real key, as known_hosts lines. */
	public String knownHosts() {
		return knownHosts(this.hostKey);
	}

	/** Another key for the same hosts, as an impostor would show. */
	String untrustedKnownHosts() {
		return knownHosts(this.otherHostKey);
	}

	/** An idempotency key unique to this run. */
	String key(String name) {
		return this.run + "-" + name;
	}

	/**
	 * The command that plays an installer:
	 * {@code <behaviour> <target> <version> [words to print]}.
	 */
	public String installer() {
		return this.dir.resolve("fake-installer").toString();
	}

	/** The command that prints the version the target runs: {@code <target>}. */
	public String verifier() {
		return this.dir.resolve("fake-verify").toString();
	}

	/**
	 * The command that restores the version a target ran before its last install:
	 * {@code <target>}.
	 */
	public String rollbacker() {
		return this.dir.resolve("fake-rollback").toString();
	}

	/**
	 * Stops the server answering (SIGSTOP): connections are accepted by the kernel but
	 * never served, as with a host that hangs, until {@link #resume()}.
	 */
	public void pause() throws IOException, InterruptedException {
		signal("STOP");
	}

	public void resume() throws IOException, InterruptedException {
		signal("CONT");
	}

	private void signal(String name) throws IOException, InterruptedException {
		int exit = new ProcessBuilder("kill", "-" + name, Long.toString(this.sshd.pid())).inheritIO().start().waitFor();
		if (exit != 0) {
			throw new IllegalStateException("kill -%s %d failed with %d".formatted(name, this.sshd.pid(), exit));
		}
	}

	/** How often the installer ran for the target. */
	public int runs(String target) throws IOException {
		Path runs = this.dir.resolve("runs-" + target);
		return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
	}

	/** How often the rollback ran for the target. */
	int rollbacks(String target) throws IOException {
		Path runs = this.dir.resolve("rollbacks-" + target);
		return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
	}

	/**
	 * Stops the wrapper that waits for the step under the key, so that its exec answers
	 * nothing while the step goes on: a connection that stalls without closing.
	 */
	void stall(String key) throws Exception {
		String marker = Shell.markerName(key);
		ProcessHandle.allProcesses()
			.filter(process -> process.info().commandLine().orElse("").contains(" run " + marker + " "))
			.forEach(wrapper -> {
				try {
					command("kill", "-STOP", Long.toString(wrapper.pid()));
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
	}

	/**
	 * The version the fake installer left on the target, or null when it never wrote one.
	 */
	public String version(String target) throws IOException {
		Path version = this.dir.resolve("version-" + target);
		return Files.exists(version) ? Files.readString(version).strip() : null;
	}

	public void setVersion(String target, String version) throws IOException {
		writeForHosts(this.dir.resolve("version-" + target), version + "\n");
	}

	/**
	 * Lets the installer of behaviour {@code wait} on the target end, with this exit
	 * code.
	 */
	void release(String target, int exitCode) throws IOException {
		writeForHosts(this.dir.resolve("release-" + target), exitCode + "\n");
	}

	/** Whether the installer of behaviour {@code wait} has started on the target. */
	boolean waiting(String target) {
		return Files.exists(this.dir.resolve("waiting-" + target));
	}

	/** The target's marker for the key: its claim, present from the start of the step. */
	Path claim(String key) {
		return markers().resolve(Shell.markerName(key) + ".pid");
	}

	/** The target's record of how the step under the key ended. */
	Path result(String key) {
		return markers().resolve(Shell.markerName(key) + ".result");
	}

	/** How many commands sshd started (each exec of a client counts once). */
	long commandsStarted() throws IOException {
		try (Stream<String> lines = Files.lines(this.dir.resolve("sshd.log"))) {
			return lines.filter(line -> line.contains("Starting session: command")).count();
		}
	}

	/** How many logins sshd accepted (each new connection of a client counts once). */
	long loginsAccepted() throws IOException {
		try (Stream<String> lines = Files.lines(this.dir.resolve("sshd.log"))) {
			return lines.filter(line -> line.startsWith("Accepted publickey for ")).count();
		}
	}

	/**
	 * Drops every client connection, as a network failure would: every sshd process under
	 * the listener is killed, the commands they started are not. Killing only the
	 * listener's children is not enough: for an account other than root each is the
	 * privileged monitor, and the connection is served by its unprivileged child, which
	 * goes on without it.
	 */
	void dropConnections() {
		this.sshd.toHandle()
			.descendants()
			.filter(process -> process.info()
				.command()
				.map(command -> Path.of(command).getFileName().toString().startsWith("sshd"))
				.orElse(false))
			.toList()
			.forEach(ProcessHandle::destroyForcibly);
	}

	/**
	 * Kills the step under the key and its runner, as a host restart would, leaving its
	 * claim behind without an exit code.
	 */
	void killStep(String key) throws IOException {
		Path claim = markers().resolve(Shell.markerName(key) + ".pid");
		long pid = Long.parseLong(Files.readSymbolicLink(claim).toString().split(" ")[0]);
		ProcessHandle.of(pid).ifPresent(runner -> {
			// The runner first, so that it cannot record the exit of the installer.
			List<ProcessHandle> installer = runner.descendants().toList();
			runner.destroyForcibly();
			installer.forEach(ProcessHandle::destroyForcibly);
		});
	}

	/** The most installs of behaviour {@code slow} that ran at the same time. */
	int maxConcurrentSlowInstalls() throws IOException {
		Path max = this.dir.resolve("max-running");
		return Files.exists(max) ? Integer.parseInt(Files.readString(max).strip()) : 0;
	}

	/** Generates an ECDSA key pair, a type the JDK reads without extra providers. */
	static KeyFiles newKey(Path dir, String name, String passphrase) throws Exception {
		return newKey(dir, name, "ecdsa", passphrase);
	}

	/**
	 * Generates a key pair with ssh-keygen, in OpenSSH format unless the options say
	 * otherwise.
	 */
	static KeyFiles newKey(Path dir, String name, String type, String passphrase, String... options) throws Exception {
		Path file = dir.resolve(name);
		List<String> command = new ArrayList<>(
				List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", name, "-f", file.toString()));
		command.addAll(List.of(options));
		Process keygen = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(keygen.getInputStream().readAllBytes());
		if (keygen.waitFor() != 0) {
			fail("ssh-keygen failed: %s", output);
		}
		return new KeyFiles(Files.readString(file), Files.readString(dir.resolve(name + ".pub")).strip());
	}

	private String knownHosts(KeyFiles key) {
		return IntStream.range(0, this.hostCount)
			.mapToObj(host -> "[127.0.0.%d]:%d %s".formatted(host + 2, this.port, key.publicKey()))
			.reduce("", (lines, line) -> lines + line + "\n");
	}

	private Path writeConfig() throws IOException {
		StringBuilder config = new StringBuilder();
		for (int host = 0; host < this.hostCount; host++) {
			config.append("ListenAddress ").append(address(host)).append('\n');
		}
		config.append("""
				HostKey %1$s/host_key
				AuthorizedKeysFile %1$s/authorized_keys
				PidFile %1$s/sshd.pid
				UsePAM no
				PermitRootLogin prohibit-password
				StrictModes no
				PasswordAuthentication no
				KbdInteractiveAuthentication no
				MaxStartups 100
				MaxSessions 100
				LogLevel VERBOSE
				""".formatted(this.dir));
		Path file = this.dir.resolve("sshd_config");
		Files.writeString(file, config);
		return file;
	}

	private void writeScripts() throws IOException {
		script("fake-installer", """
				#!/bin/sh
				dir=$(dirname "$0")
				behaviour=$1 target=$2 version=$3
				echo run >> "$dir/runs-$target"
				install() {
				  if [ -f "$dir/version-$target" ]; then cp "$dir/version-$target" "$dir/previous-$target"; fi
				  echo "$version" > "$dir/version-$target"
				}
				case "$behaviour" in
				  ok) install; echo "installed $version on $target"; exit 0 ;;
				  fail) echo "error: not enough disk space for $version" >&2; exit 1 ;;
				  reboot) install; echo "installed, restart needed"; exit 100 ;;
				  busy) echo "another installation is running" >&2; exit 75 ;;
				  stale) echo "did nothing"; exit 0 ;;
				  hang) exec sleep 600 ;;
				  wait)
				    install; echo "waiting" > "$dir/waiting-$target"
				    while [ ! -f "$dir/release-$target" ]; do sleep 0.05; done
				    echo "released $target"; exit "$(cat "$dir/release-$target")" ;;
				  leak) install; echo "connecting with token=abc123"; echo "said: $4"; exit 0 ;;
				  slow)
				    cd "$dir"
				    flock lock sh -c 'n=$(( $(cat running 2>/dev/null || echo 0) + 1 )); echo $n > running
				      if [ $n -gt "$(cat max-running 2>/dev/null || echo 0)" ]; then echo $n > max-running; fi'
				    sleep 0.5
				    flock lock sh -c 'echo $(( $(cat running) - 1 )) > running'
				    install; exit 0 ;;
				  *) echo "unknown behaviour: $behaviour" >&2; exit 2 ;;
				esac
				""");
		script("fake-verify", """
				#!/bin/sh
				dir=$(dirname "$0")
				echo "checking $1"
				cat "$dir/version-$1" 2>/dev/null || echo 1.0.0
				""");
		script("fake-rollback", """
				#!/bin/sh
				dir=$(dirname "$0")
				echo run >> "$dir/rollbacks-$1"
				if [ -f "$dir/previous-$1" ]; then mv "$dir/previous-$1" "$dir/version-$1"
				else rm -f "$dir/version-$1"; fi
				echo "rolled back $1"
				""");
	}

	private void script(String name, String text) throws IOException {
		Path file = this.dir.resolve(name);
		Files.writeString(file, text);
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
	}

	/**
	 * Kills the commands that outlived their channel, like a hung installer: no longer
	 * under sshd once their session closed, they are known by this run's directory on
	 * their command line. Outermost first, so that no idempotency wrapper is left to
	 * record the exit of the installer it ran.
	 */
	private void killLeftoverCommands() {
		Set<ProcessHandle> leftovers = new LinkedHashSet<>();
		ProcessHandle.allProcesses()
			.filter(process -> process.info().commandLine().orElse("").contains(this.dir.toString()))
			.forEach(process -> {
				leftovers.add(process);
				process.descendants().forEach(leftovers::add);
			});
		leftovers.stream()
			.sorted(Comparator.comparing(process -> leftovers.contains(process.parent().orElse(null))))
			.forEach(ProcessHandle::destroyForcibly);
	}

	private Path markers() {
		return ((this.account != null) ? this.dir : Path.of(System.getProperty("user.home"))).resolve(".patchwave");
	}

	/**
	 * An account for the commands, with this run's directory as its home, when the tests
	 * run as root; null when none can be made.
	 */
	private String createAccount() throws Exception {
		if (!"root".equals(System.getProperty("user.name"))) {
			return null;
		}
		String name = "pw" + this.run;
		// Without a password field sshd treats the account as locked and refuses even
		// keys.
		if (!command("useradd", "-M", "-d", this.dir.toString(), "-s", "/bin/sh", name)
				|| !command("usermod", "-p", "*", name)) {
			return null;
		}
		try (Stream<Path> paths = Files.walk(this.dir)) {
			UserPrincipal owner = this.dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(name);
			for (Path path : paths.toList()) {
				Files.setOwner(path, owner);
			}
		}
		return name;
	}

	/**
	 * Writes a file the commands on the hosts may overwrite, whole and at once: the
	 * installer of behaviour {@code wait} goes on as soon as its release file exists, and
	 * one created but not yet written would give it no exit code to exit with.
	 */
	private void writeForHosts(Path file, String text) throws IOException {
		Path partial = file.resolveSibling(file.getFileName() + ".partial");
		Files.writeString(partial, text);
		if (this.account != null) {
			Files.setOwner(partial,
					file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(this.account));
		}
		Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	private static boolean command(String... command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		if (process.waitFor() != 0) {
			System.err.printf("%s failed: %s%n", String.join(" ", command), output);
			return false;
		}
		return true;
	}

	private void deleteTree(Path root) throws IOException {
		if (!Files.exists(root)) {
			return;
		}
		boolean markersOnly = root.equals(markers());
		try (Stream<Path> paths = Files.walk(root)) {
			paths.sorted(Comparator.reverseOrder())
				.filter(path -> !markersOnly || path.getFileName().toString().startsWith(this.run))
				.forEach(path -> {
					try {
						Files.deleteIfExists(path);
					}
					catch (IOException ex) {
						throw new UncheckedIOException(ex);
					}
				});
		}
	}

	private int freePort() throws IOException {
		for (int attempt = 0; attempt < 20; attempt++) {
			int candidate;
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
				candidate = socket.getLocalPort();
			}
			if (IntStream.range(1, this.hostCount).allMatch(host -> bindable(host + 2, candidate))) {
				return candidate;
			}
		}
		throw new IllegalStateException("no port free on all of 127.0.0.2 to 127.0.0." + (this.hostCount + 2));
	}

	private static boolean bindable(int lastOctet, int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0." + lastOctet))) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static boolean accepts(String address) {
		String[] parts = address.split(":");
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(parts[0], Integer.parseInt(parts[1])), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	record KeyFiles(String privateKey, String publicKey) {
	}

}
