package dev.patchwave.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The OpenSSH servers of the ssh fleet: one host key, one port on every address, as many
 * sshd processes as it takes at 16 addresses each (sshd's limit). Each logs every command
 * it starts, so that remote commands can be counted, and the CPU they and their children
 * used is read from {@code /proc}.
 */
final class SshdServers implements AutoCloseable {

	static final Path SSHD = Path.of("/usr/sbin/sshd");

	/** sshd refuses more ListenAddress lines than this. */
	private static final int ADDRESSES_PER_SSHD = 16;

	private final Path dir;

	private final List<Process> servers = new ArrayList<>();

	private final List<Path> logs = new ArrayList<>();

	private int port;

	private String hostKey;

	/**
	 * @param dir the fleet's directory, whose {@code keys} directory set-up writes to
	 */
	SshdServers(Path dir) {
		this.dir = dir;
	}

	/** Fails unless OpenSSH's server is installed. */
	static void requireSshd() {
		if (!Files.isExecutable(SSHD)) {
			throw new IllegalStateException(
					"the ssh bench needs OpenSSH's server at " + SSHD + ": apt-get install -y openssh-server");
		}
	}

	/**
	 * Makes the host key and starts servers that listen on every address and let in the
	 * holders of the authorized keys; returns once every address accepts connections.
	 */
	void start(List<String> addresses, Path authorizedKeys) throws Exception {
		Path keys = this.dir.resolve("keys");
		SetupCommand.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keys.resolve("host").toString());
		this.hostKey = Files.readString(keys.resolve("host.pub")).strip();
		this.port = freePort(addresses);
		Files.createDirectories(Path.of("/run/sshd"));
		for (int first = 0; first < addresses.size(); first += ADDRESSES_PER_SSHD) {
			startServer(addresses.subList(first, Math.min(addresses.size(), first + ADDRESSES_PER_SSHD)),
					authorizedKeys);
		}
		awaitListening(addresses);
	}

	/** The port every server listens on, on each of its addresses. */
	int port() {
		return this.port;
	}

	/** The public host key every server shows, as in {@code known_hosts}. */
	String hostKey() {
		return this.hostKey;
	}

	/** How many commands the servers started so far, over all hosts. */
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
	 * The CPU the servers used so far, in the clock ticks of {@code /proc/PID/stat}:
	 * theirs and that of every process they started and reaped (sessions, login shells,
	 * the wrapper, installers). A connection's processes count once it closed, so this
	 * waits for the clients to leave first.
	 */
	long cpuTicks() throws Exception {
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
		return ticks;
	}

	/** Stops the servers; connections still open keep their own sshd until they close. */
	@Override
	public void close() throws InterruptedException {
		this.servers.forEach(Process::destroy);
		for (Process server : this.servers) {
			server.waitFor();
		}
	}

	private void startServer(List<String> addresses, Path authorizedKeys) throws IOException {
		int index = this.servers.size();
		StringBuilder config = new StringBuilder();
		for (String address : addresses) {
			config.append("ListenAddress %s:%d%n".formatted(address, this.port));
		}
		// MaxStartups: a wave logs in to every host of a server at once; sshd's default
		// (10:30:100) would drop some of those connections at random.
		config.append("""
				HostKey %1$s/keys/host
				AuthorizedKeysFile %3$s
				PidFile %1$s/keys/sshd-%2$d.pid
				UsePAM no
				StrictModes no
				PasswordAuthentication no
				KbdInteractiveAuthentication no
				MaxStartups 1000
				MaxSessions 100
				LogLevel VERBOSE
				""".formatted(this.dir, index, authorizedKeys));
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

	private void awaitListening(List<String> addresses) throws Exception {
		Instant deadline = Instant.now().plusSeconds(20);
		for (String address : addresses) {
			while (!accepts(address)) {
				for (int i = 0; i < this.servers.size(); i++) {
					if (!this.servers.get(i).isAlive()) {
						throw new IllegalStateException("sshd exited: " + Files.readString(this.logs.get(i)).strip());
					}
				}
				if (Instant.now().isAfter(deadline)) {
					throw new IllegalStateException("sshd does not listen on " + address);
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

	/** A port free on every address. */
	private static int freePort(List<String> addresses) throws IOException {
		for (int attempt = 0; attempt < 20; attempt++) {
			int candidate;
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(addresses.getFirst()))) {
				candidate = socket.getLocalPort();
			}
			if (addresses.stream().skip(1).allMatch(address -> bindable(address, candidate))) {
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

}
