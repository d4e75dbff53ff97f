package dev.patchwave.web.crash;

import static dev.patchwave.web.crash.SleepyInstaller.FIXED;
import static dev.patchwave.web.crash.SleepyInstaller.PATCH;
import static dev.patchwave.web.crash.SleepyInstaller.VULNERABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchwave.connectors.ssh.SshdHosts;
import dev.patchwave.web.ApiClient;
import dev.patchwave.web.ApiClient.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Never twice, never lost, with real processes: Patchwave runs as its own JVM on
 * PostgreSQL against a real sshd, installs sleep long enough to be killed, and each run
 * of an install or a rollback leaves one line in its target's log. Nodes are killed as
 * {@code kill -9} does, at the points where a crash could lose or repeat work, and
 * started again, or left to another node.
 */
class CrashRecoveryIT {

	private static final Duration PATIENCE = Duration.ofMinutes(3);

	@RegisterExtension
	static SshdHosts hosts = new SshdHosts(8);

	@TempDir
	static Path work;

	static SleepyInstaller installer;

	static Path logs;

	private final List<PatchwaveNode> nodes = new ArrayList<>();

	@BeforeAll
	static void prepare() throws IOException {
		// the hosts' login account is not the test's: it must reach the scripts and write
		// their logs
		Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
		Path scripts = Files.createDirectories(work.resolve("scripts"));
		installer = new SleepyInstaller(scripts);
		logs = Files.createDirectories(Path.of("target", "crash-it"));
	}

	@AfterEach
	void stopNodes() {
		this.nodes.forEach(PatchwaveNode::close);
	}

	@Test
	void aNodeKilledAtEveryRiskyPointAndRestartedInstallsEachTargetExactlyOnce() throws Exception {
		Fleet fleet = new Fleet("restart", 5, 4, i -> "ok");
		PatchwaveNode node = start("node-a");
		fleet.register(node);
		long rollout = fleet.rollout(node, Map.of("name", "canary", "size", "1", "maxConcurrency", 1),
				Map.of("name", "rest", "size", "100%", "maxConcurrency", 2));
		ApiClient operator = node.api("operator");

		// 1: after the dispatch commit, before the host ran anything: sshd does not
		// answer
		hosts.pause();
		assertThat(operator.post("/api/v1/rollouts/%d/start".formatted(rollout)).status()).isEqualTo(200);
		awaitDeployments(node, rollout, d -> d.get("state").asString().equals("DISPATCHED"), 1);
		node.kill();
		hosts.resume();
		assertThat(installer.installs(fleet.name(0))).isZero();
		node = restart(node);

		// 2: mid-install
		await().atMost(PATIENCE).until(() -> installer.installs(fleet.name(0)) == 1);
		node.kill();
		node = restart(node);

		// 3: during the canary's bake
		awaitWave(node, rollout, 0, "BAKING");
		node.kill();
		node = restart(node);

		// 4: right after a result of the last wave was recorded, with the wave's next
		// dispatch
		// either just committed or not yet, and other installs in flight
		PatchwaveNode current = node;
		await().atMost(PATIENCE)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> rollout(current, rollout).at("/waves/1/counts/succeeded").asInt() >= 1);
		node.kill();
		node = restart(node);

		JsonNode done = awaitState(node, rollout, "SUCCEEDED");
		assertThat(done.at("/totals/succeeded").asInt()).isEqualTo(5);
		for (int i = 0; i < 5; i++) {
			assertThat(installer.installs(fleet.name(i))).as("installs on %s", fleet.name(i)).isOne();
		}
		assertJournalHasNoGap(node, rollout, fleet, "TARGET_SUCCEEDED");
	}

	@Test
	void aNodeKilledDuringARollbackAndRestartedRollsEachTargetBackExactlyOnce() throws Exception {
		Fleet fleet = new Fleet("rollback", 3, 4, i -> i == 2 ? "fail" : "ok");
		PatchwaveNode node = start("node-r");
		fleet.register(node);
		long rollout = fleet.rollout(node, Map.of("name", "all", "size", "100%", "maxConcurrency", 1));
		ApiClient operator = node.api("operator");
		operator.post("/api/v1/rollouts/%d/start".formatted(rollout));
		awaitState(node, rollout, "HALTED");
		assertThat(operator.post("/api/v1/rollouts/%d/rollback".formatted(rollout)).status()).isEqualTo(200);

		// 5: mid-rollback
		await().atMost(PATIENCE)
			.until(() -> installer.rollbacks(fleet.name(0)) + installer.rollbacks(fleet.name(1)) == 1);
		node.kill();
		node = restart(node);

		JsonNode rolledBack = awaitState(node, rollout, "ROLLED_BACK");
		assertThat(rolledBack.at("/totals/rolledBack").asInt()).isEqualTo(2);
		for (int i = 0; i < 2; i++) {
			assertThat(installer.installs(fleet.name(i))).as("installs on %s", fleet.name(i)).isOne();
			assertThat(installer.rollbacks(fleet.name(i))).as("rollbacks on %s", fleet.name(i)).isOne();
		}
		assertThat(installer.rollbacks(fleet.name(2))).isZero();
		assertJournalHasNoGap(node, rollout, fleet.first(2), "TARGET_ROLLED_BACK");
	}

	@Test
	void aSecondNodeReRunsNothingAndTakesOverWhenTheOwnerIsKilledMidWave() throws Exception {
		// installs take longer than a lease: only a lease that is not renewed may be
		// taken over; the second wave's take long enough for the second node to start
		// and see it run, however loaded the machine (27 s to start has been seen)
		int lease = (int) PatchwaveNode.LEASE.toSeconds();
		Fleet fleet = new Fleet("two-nodes", 4, i -> i < 2 ? lease + 4 : lease + 30, i -> "ok");
		PatchwaveNode owner = start("node-1");
		fleet.register(owner);
		long rollout = fleet.rollout(owner, Map.of("name", "first", "size", "2", "maxConcurrency", 2),
				Map.of("name", "second", "size", "100%", "maxConcurrency", 2));
		owner.api("operator").post("/api/v1/rollouts/%d/start".formatted(rollout));
		await().atMost(PATIENCE)
			.until(() -> installer.installs(fleet.name(0)) + installer.installs(fleet.name(1)) == 2);

		PatchwaveNode other = start("node-2");
		awaitWave(other, rollout, 1, "RUNNING");
		await().atMost(PATIENCE)
			.until(() -> installer.installs(fleet.name(2)) + installer.installs(fleet.name(3)) == 2);
		assertThat(events(other, rollout)).noneMatch(event -> event.get("type").asString().equals("TAKEN_OVER"));

		owner.kill();
		Instant killed = Instant.now();

		JsonNode done = awaitState(other, rollout, "SUCCEEDED");
		for (int i = 0; i < 4; i++) {
			assertThat(installer.installs(fleet.name(i))).as("installs on %s", fleet.name(i)).isOne();
			assertThat(installer.version(fleet.name(i))).isEqualTo(FIXED);
		}
		assertThat(done.at("/totals/succeeded").asInt()).isEqualTo(4);
		JsonNode takeover = events(other, rollout).stream()
			.filter(event -> event.get("type").asString().equals("TAKEN_OVER"))
			.findFirst()
			.orElseThrow();
		assertThat(takeover.get("message").asString()).contains("Node node-2 took the rollout over from node node-1");
		Duration takeoverAfterKill = Duration.between(killed, Instant.parse(takeover.get("at").asString()));
		// the bound: one lease and one heartbeat; generous slack for a loaded machine
		assertThat(takeoverAfterKill).isLessThan(PatchwaveNode.LEASE.plus(PatchwaveNode.HEARTBEAT).plusSeconds(20));
		Files.writeString(logs.resolve("takeover.txt"), "takeover after kill: %s (lease %s, heartbeat %s)%n"
			.formatted(takeoverAfterKill, PatchwaveNode.LEASE, PatchwaveNode.HEARTBEAT));
	}

	private PatchwaveNode start(String name) throws IOException {
		PatchwaveNode node = PatchwaveNode.start(name, logs);
		this.nodes.add(node);
		return node;
	}

	private PatchwaveNode restart(PatchwaveNode node) throws IOException {
		return start(node.name());
	}

	private static JsonNode rollout(PatchwaveNode node, long id) {
		Response response = node.api("viewer").get("/api/v1/rollouts/" + id);
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return response.json();
	}

	private static JsonNode awaitState(PatchwaveNode node, long id, String state) {
		return await().atMost(PATIENCE)
			.until(() -> rollout(node, id), rollout -> rollout.get("state").asString().equals(state));
	}

	private static void awaitWave(PatchwaveNode node, long id, int wave, String state) {
		await().atMost(PATIENCE)
			.until(() -> rollout(node, id).at("/waves/%d/state".formatted(wave)).asString().equals(state));
	}

	private static void awaitDeployments(PatchwaveNode node, long id, Predicate<JsonNode> matching, int count) {
		await().atMost(PATIENCE).until(() -> {
			JsonNode items = node.api("viewer")
				.get("/api/v1/rollouts/%d/deployments?size=100".formatted(id))
				.json()
				.get("items");
			return StreamSupport.stream(items.spliterator(), false).filter(matching).count() >= count;
		});
	}

	private static List<JsonNode> events(PatchwaveNode node, long id) {
		JsonNode events = node.api("viewer").get("/api/v1/rollouts/%d/events?limit=1000".formatted(id)).json();
		return StreamSupport.stream(events.spliterator(), false).toList();
	}

	/**
	 * Nothing the crashes cost is missing from the journal: every target's end is there,
	 * once, and came after a dispatch of it.
	 */
	private static void assertJournalHasNoGap(PatchwaveNode node, long id, Fleet fleet, String endType) {
		List<JsonNode> events = events(node, id);
		for (String target : fleet.names()) {
			List<String> types = events.stream()
				.filter(event -> target.equals(event.path("target").asString(null)))
				.map(event -> event.get("type").asString())
				.toList();
			assertThat(types).as("journal of %s", target).containsOnlyOnce(endType).contains("TARGET_DISPATCHED");
		}
	}

	/** Targets behind the sshd hosts, with their own run label and connector. */
	private static final class Fleet {

		private final String run;

		private final int size;

		private final java.util.function.IntUnaryOperator sleepSeconds;

		private final java.util.function.IntFunction<String> behaviour;

		private String connector;

		Fleet(String kind, int size, int sleepSeconds, java.util.function.IntFunction<String> behaviour) {
			this(kind, size, i -> sleepSeconds, behaviour);
		}

		Fleet(String kind, int size, java.util.function.IntUnaryOperator sleepSeconds,
				java.util.function.IntFunction<String> behaviour) {
			this.run = kind + "-" + UUID.randomUUID().toString().substring(0, 6);
			this.size = size;
			this.sleepSeconds = sleepSeconds;
			this.behaviour = behaviour;
		}

		private Fleet(Fleet whole, int size) {
			this.run = whole.run;
			this.size = size;
			this.sleepSeconds = whole.sleepSeconds;
			this.behaviour = whole.behaviour;
			this.connector = whole.connector;
		}

		Fleet first(int count) {
			return new Fleet(this, count);
		}

		String name(int i) {
			return "%s-win-%d".formatted(this.run, i);
		}

		List<String> names() {
			return java.util.stream.IntStream.range(0, this.size).mapToObj(this::name).toList();
		}

		void register(PatchwaveNode node) {
			this.connector = "ssh-" + this.run;
			ApiClient admin = node.api("admin");
			Response created = admin.post("/api/v1/connectors", ApiClient.json(Map.of("name", this.connector, "type",
					"ssh", "settings", installer.settings(hosts.user(), hosts.privateKey(), hosts.knownHosts()))));
			assertThat(created.status()).as(created.body()).isEqualTo(201);
			List<Map<String, Object>> targets = new ArrayList<>();
			for (int i = 0; i < this.size; i++) {
				targets
					.add(Map.of("name", name(i), "address", hosts.address(i), "labels",
							Map.of("run", this.run, "sleep", Integer.toString(this.sleepSeconds.applyAsInt(i)),
									"behaviour", this.behaviour.apply(i)),
							"connector", this.connector, "installedVersion", VULNERABLE));
			}
			Response registered = admin.post("/api/v1/targets", ApiClient.json(targets));
			assertThat(registered.status()).as(registered.body()).isBetween(200, 201);
		}

		@SafeVarargs
		final long rollout(PatchwaveNode node, Map<String, Object>... waves) {
			Response created = node.api("manager")
				.post("/api/v1/rollouts", ApiClient.json(Map.of("name", "crash " + this.run, "patchId", PATCH,
						"selector", "run=" + this.run, "bakeTime", "PT3S", "waves", List.of(waves))));
			assertThat(created.status()).as(created.body()).isEqualTo(201);
			return created.json().get("id").asLong();
		}

	}

}
