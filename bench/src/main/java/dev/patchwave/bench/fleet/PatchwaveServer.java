package dev.patchwave.bench.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Patchwave as users run it: the application jar the build packaged, in a JVM of its own
 * with a bounded heap, on the bench's PostgreSQL database, with the demo's sign-ins and a
 * fleet of the bench's making. Its output goes to a log file under {@code target/}.
 */
final class PatchwaveServer implements AutoCloseable {

	private final Process process;

	private final Path log;

	private final ApiClient api;

	private final String password;

	private PatchwaveServer(Process process, Path log, ApiClient api, String password) {
		this.process = process;
		this.log = log;
		this.api = api;
		this.password = password;
	}

	static PatchwaveServer start(Path jar, String heap, List<String> jvmOptions, FleetDatabase database,
			Duration patience) throws IOException, InterruptedException {
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(
					"No application jar at %s: run the bench with ./mvnw -Pbench, which packages it first"
						.formatted(jar.toAbsolutePath()));
		}
		int port = ApiClient.freePort();
		String password = UUID.randomUUID().toString();
		Path log = Files.createDirectories(Path.of("target")).resolve("fleet-bench-server.log");
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("-Xmx" + heap);
		jvmOptions.stream().filter(option -> !option.isBlank()).forEach(command::add);
		command.add("-jar");
		command.add(jar.toString());
		command.add("--server.port=" + port);
		command.add("--spring.datasource.url=" + database.jdbcUrl());
		command.add("--spring.datasource.username=" + database.user());
		command.add("--patchwave.demo.enabled=true");
		command.add("--patchwave.demo.password=" + password);
		command.add("--patchwave.demo.password-file=target/fleet-bench-password.txt");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		PatchwaveServer server = new PatchwaveServer(process, log, new ApiClient("http://127.0.0.1:" + port), password);
		server.awaitUp(patience);
		return server;
	}

	ApiClient api() {
		return this.api;
	}

	/** The demo password, which every demo user signs in with. */
	String password() {
		return this.password;
	}

	/** The most resident memory the server's process has had, in MiB, if Linux tells. */
	long peakResidentMib() {
		try {
			return Files.readAllLines(Path.of("/proc/%d/status".formatted(this.process.pid())))
				.stream()
				.filter(line -> line.startsWith("VmHWM:"))
				.map(line -> Long.parseLong(line.replaceAll("\\D", "")) / 1024)
				.findFirst()
				.orElse(-1L);
		}
		catch (IOException ex) {
			return -1;
		}
	}

	boolean alive() {
		return this.process.isAlive();
	}

	Path log() {
		return this.log;
	}

	private void awaitUp(Duration patience) throws InterruptedException {
		Instant deadline = Instant.now().plus(patience);
		while (Instant.now().isBefore(deadline)) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("Patchwave exited while starting; see " + this.log.toAbsolutePath());
			}
			if (this.api.isUp()) {
				return;
			}
			// polling a process that is starting: nothing to wait on but time
			Thread.sleep(250);
		}
		close();
		throw new IllegalStateException(
				"Patchwave did not answer within %s; see %s".formatted(patience, this.log.toAbsolutePath()));
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor();
		}
	}

}
