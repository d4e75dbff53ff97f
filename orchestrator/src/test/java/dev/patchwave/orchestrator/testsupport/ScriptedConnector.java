package dev.patchwave.orchestrator.testsupport;

import dev.patchwave.common.connector.CallStatus;
import dev.patchwave.common.connector.Connector;
import dev.patchwave.common.connector.ConnectorCapabilities;
import dev.patchwave.common.connector.ConnectorCheck;
import dev.patchwave.common.connector.ConnectorHealth;
import dev.patchwave.common.connector.InstallRequest;
import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.connector.MsiexecExitCodes;
import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.patch.Version;
import dev.patchwave.common.target.Target;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in deployment system for engine tests. A target's label {@code script} lists
 * the exit codes of its attempts, separated by '/', e.g. {@code 1618/0}: busy first, then
 * installed; without it, every install succeeds; {@code npe} makes the call throw, as a
 * connector with a bug would. The label {@code rollback} gives the exit code of its
 * rollback. Installs complete after a fixed latency or, when gated, only when the test
 * releases them. The test can take the system down, and tell it of calls made before a
 * crash.
 */
public class ScriptedConnector implements Connector {

	private final long latencyMillis;

	private final boolean gated;

	private final Map<String, CompletableFuture<InstallResult>> byKey = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> attemptsByTarget = new ConcurrentHashMap<>();

	private final Queue<Runnable> held = new ConcurrentLinkedQueue<>();

	private final Queue<String> installed = new ConcurrentLinkedQueue<>();

	private final Queue<String> prepared = new ConcurrentLinkedQueue<>();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final Map<String, Version> versionsBefore = new ConcurrentHashMap<>();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	private volatile boolean down;

	/** Versions hosts run now, where a test changed them after their install. */
	private final Map<String, Version> versions = new ConcurrentHashMap<>();

	private volatile Instant misconfiguredSince;

	ScriptedConnector(long latencyMillis, boolean gated) {
		this.latencyMillis = latencyMillis;
		this.gated = gated;
	}

	@Override
	public ConnectorCapabilities capabilities() {
		return ConnectorCapabilities.perTarget();
	}

	@Override
	public CompletionStage<CallStatus> status(InstallRequest request) {
		return CompletableFuture.completedStage(CallStatus.of(this.byKey.get(request.idempotencyKey())));
	}

	@Override
	public CompletionStage<Version> installedVersion(Target target, Patch patch) {
		return CompletableFuture.completedStage(this.versions.getOrDefault(target.name(), target.installedVersion()));
	}

	/** Plays a host whose restart finished its install: it runs this version now. */
	public void setVersion(String target, Version version) {
		this.versions.put(target, version);
	}

	@Override
	public CompletionStage<InstallResult> rollback(InstallRequest request) {
		int exit = Integer.parseInt(request.target().labels().getOrDefault("rollback", "0"));
		if (exit != 0) {
			return CompletableFuture.completedStage(new InstallResult(ResultCause.FATAL_TARGET_ERROR, exit,
					MsiexecExitCodes.describe(exit), request.patch().fixedVersion()));
		}
		return CompletableFuture.completedStage(new InstallResult(ResultCause.SUCCEEDED, 0, "removed",
				this.versionsBefore.getOrDefault(request.target().name(), request.target().installedVersion())));
	}

	@Override
	public ConnectorHealth health() {
		if (this.misconfiguredSince != null) {
			return ConnectorHealth.misconfigured("HTTP 401: token refused", this.misconfiguredSince);
		}
		return this.down ? new ConnectorHealth(ConnectorHealth.Status.DOWN, "scripted outage", Instant.now(), null)
				: ConnectorHealth.up();
	}

	/**
	 * Makes the system refuse every request as misconfigured, as an AWX refusing the
	 * token does, since the given time.
	 */
	public void setMisconfigured(Instant since) {
		this.misconfiguredSince = since;
	}

	/** Takes the system down or brings it back; while down it takes no call. */
	public void setDown(boolean down) {
		this.down = down;
	}

	/**
	 * Tells the system of an install that ran under this key before the test began, as
	 * one a crashed node sent: it counts as an install, and the key answers its outcome.
	 */
	public void remember(InstallRequest request, int exitCode) {
		this.installed.add(request.target().name());
		this.attemptsByTarget.computeIfAbsent(request.target().name(), name -> new AtomicInteger()).incrementAndGet();
		this.byKey.put(request.idempotencyKey(), CompletableFuture.completedFuture(result(request, exitCode)));
	}

	@Override
	public CompletionStage<List<ConnectorCheck>> test() {
		return CompletableFuture.completedStage(List.of(ConnectorCheck.passed("scripted", "always answers")));
	}

	@Override
	public void prepare(List<Target> targets) {
		targets.forEach(target -> this.prepared.add(target.name()));
	}

	/** Targets the engine said it would send to soon, in the order it said so. */
	public List<String> prepared() {
		return List.copyOf(this.prepared);
	}

	@Override
	public CompletionStage<InstallResult> install(InstallRequest request) {
		if (this.down || this.misconfiguredSince != null) {
			return CompletableFuture.completedStage(InstallResult.infrastructureError("scripted outage"));
		}
		if ("npe".equals(request.target().labels().get("script"))) {
			throw new NullPointerException("scripted bug in the connector");
		}
		return this.byKey.computeIfAbsent(request.idempotencyKey(), key -> begin(request));
	}

	private static InstallResult result(InstallRequest request, int exit) {
		return new InstallResult(MsiexecExitCodes.classify(exit), exit, MsiexecExitCodes.describe(exit),
				MsiexecExitCodes.classify(exit).isSuccess() ? request.patch().fixedVersion()
						: request.target().installedVersion());
	}

	private CompletableFuture<InstallResult> begin(InstallRequest request) {
		String target = request.target().name();
		this.versionsBefore.putIfAbsent(target, request.target().installedVersion());
		this.installed.add(target);
		int attempt = this.attemptsByTarget.computeIfAbsent(target, name -> new AtomicInteger()).incrementAndGet();
		this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
		List<String> script = List.of(request.target().labels().getOrDefault("script", "0").split("/"));
		int exit = Integer.parseInt(script.get(Math.min(attempt, script.size()) - 1));
		InstallResult result = result(request, exit);
		CompletableFuture<InstallResult> future = new CompletableFuture<>();
		Runnable complete = () -> {
			this.inFlight.decrementAndGet();
			future.complete(result);
		};
		if (this.gated) {
			this.held.add(complete);
		}
		else {
			CompletableFuture.delayedExecutor(this.latencyMillis, TimeUnit.MILLISECONDS).execute(complete);
		}
		return future;
	}

	/** Completes every install held so far; returns how many. */
	public int releaseAll() {
		int released = 0;
		for (Runnable next = this.held.poll(); next != null; next = this.held.poll()) {
			next.run();
			released++;
		}
		return released;
	}

	public int held() {
		return this.held.size();
	}

	/**
	 * Installs that reached a host, one per distinct idempotency key, in the order they
	 * came.
	 */
	public List<String> installed() {
		return List.copyOf(this.installed);
	}

	public int installCount(String target) {
		return (int) this.installed.stream().filter(target::equals).count();
	}

	public int maxInFlight() {
		return this.maxInFlight.get();
	}

}
