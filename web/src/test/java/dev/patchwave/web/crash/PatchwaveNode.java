package dev.patchwave.web.crash;

import static org.awaitility.Awaitility.await;

import dev.patchwave.orchestrator.testsupport.TestDatabase;
import dev.patchwave.web.ApiClient;
import dev.patchwave.web.PatchwaveWebTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Patchwave as its own JVM, started from the application jar the build packaged, on the
 * test PostgreSQL: a node that a test can kill as {@code kill -9} would and start again.
 */
final class PatchwaveNode implements AutoCloseable {

	/** A lease short enough that a takeover happens within a test. */
	static final Duration LEASE = Duration.ofSeconds(4);

	static final Duration HEARTBEAT = Duration.ofSeconds(1);

	private final String name;

	private final int port;

	private final Process process;

	private final Path log;

	private PatchwaveNode(String name, int port, Process process, Path log) {
		this.name = name;
		this.port = port;
		this.process = process;
		this.log = log;
	}

	/** Starts a node under a stable name and waits until it answers. */
	static PatchwaveNode start(String name, Path logs) throws IOException {
		TestDatabase database = TestDatabase.postgres();
		int port = freePort();
		Path log = logs.resolve("%s-%d.log".formatted(name, System.nanoTime()));
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("-Xmx384m");
		command.add("-jar");
		command.add(applicationJar().toString());
		command.add("--server.port=" + port);
		command.add("--spring.datasource.url=" + database.jdbcUrl());
		command.add("--spring.datasource.username=" + database.username());
		command.add("--spring.datasource.password=" + database.password());
		command.add("--patchwave.demo.enabled=true");
		command.add("--patchwave.demo.password=" + PatchwaveWebTest.PASSWORD);
		command.add("--patchwave.demo.password-file=target/demo-password.txt");
		command.add("--patchwave.secrets.key=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
		command.add("--patchwave.engine.node-id=" + name);
		command.add("--patchwave.engine.lease-duration=" + LEASE);
		command.add("--patchwave.engine.heartbeat-interval=" + HEARTBEAT);
		command.add("--patchwave.engine.retry-backoff=PT0.5S");
		command.add("--patchwave.engine.reconcile-interval=PT2S");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		PatchwaveNode node = new PatchwaveNode(name, port, process, log);
		await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() -> {
			if (!process.isAlive()) {
				throw new IllegalStateException(
						"Node %s exited with %d:%n%s".formatted(name, process.exitValue(), node.logTail()));
			}
			return node.answers();
		});
		return node;
	}

	String name() {
		return this.name;
	}

	ApiClient api(String user) {
		return new ApiClient(this.port, user);
	}

	/**
	 * Ends the JVM at once, as {@code kill -9} does: no shutdown hook, no clean close.
	 */
	void kill() {
		this.process.destroyForcibly();
		await().atMost(Duration.ofSeconds(30)).until(() -> !this.process.isAlive());
	}

	String logTail() {
		try {
			List<String> lines = Files.readAllLines(this.log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	@Override
	public void close() {
		if (this.process.isAlive()) {
			kill();
		}
	}

	private boolean answers() {
		try {
			return api(null).get("/actuator/health").status() == 200;
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

	private static Path applicationJar() throws IOException {
		try (Stream<Path> files = Files.list(Path.of("target"))) {
			return files.filter(file -> file.getFileName().toString().equals("patchwave.jar"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException(
						"No application jar in web/target: these tests run after 'package' (./mvnw verify)"));
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
