package dev.patchwave.connectors.simulator;

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
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deployment system that installs nothing: each install answers an msiexec exit code
 * after a latency, drawn from the configured rates. Targets can force an outcome with the
 * label {@code simulate=fail} or {@code simulate=unreachable}. It counts what it was
 * asked to do, so tests can prove that installs ran exactly once and how many ran at the
 * same time.
 */
public final class SimulatorConnector implements Connector {

	static final String SIMULATE_LABEL = "simulate";

	static final String OUTAGE = "simulated outage: the deployment system does not answer";

	private static final Logger logger = LoggerFactory.getLogger(SimulatorConnector.class);

	private final SimulatorSettings settings;

	private final ScheduledExecutorService executor;

	private final ConcurrentMap<String, CompletionStage<InstallResult>> outcomes = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Integer> installCounts = new ConcurrentHashMap<>();

	private final AtomicInteger totalInstalls = new AtomicInteger();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	private final ConcurrentMap<String, Version> versions = new ConcurrentHashMap<>();

	/**
	 * The version each target had before its first install here, which a rollback returns
	 * it to.
	 */
	private final ConcurrentMap<String, Version> versionsBefore = new ConcurrentHashMap<>();

	private volatile boolean outage;

	private volatile Instant outageSince;

	SimulatorConnector(String name, SimulatorSettings settings) {
		this.settings = settings;
		// Completing an install runs the caller's dependent stages on these threads, so
		// more than one keeps
		// a slow caller from holding up every other completion; installs waiting out
		// their latency hold none.
		this.executor = new ScheduledThreadPoolExecutor(Runtime.getRuntime().availableProcessors(),
				Thread.ofPlatform().daemon().name("simulator-" + name + "-", 0).factory());
	}

	@Override
	public ConnectorCapabilities capabilities() {
		return ConnectorCapabilities.perTarget();
	}

	@Override
	public CompletionStage<InstallResult> install(InstallRequest request) {
		if (this.outage) {
			// The system never took the call, so nothing is recorded under the key: a
			// resend installs.
			return CompletableFuture.completedStage(InstallResult.infrastructureError(OUTAGE));
		}
		return this.outcomes.computeIfAbsent(request.idempotencyKey(), key -> start(request));
	}

	@Override
	public CompletionStage<CallStatus> status(InstallRequest request) {
		CompletionStage<InstallResult> outcome = this.outcomes.get(request.idempotencyKey());
		return CompletableFuture.completedStage(CallStatus.of(outcome));
	}

	@Override
	public CompletionStage<Version> installedVersion(Target target, Patch patch) {
		return CompletableFuture.completedStage(this.versions.getOrDefault(target.name(), target.installedVersion()));
	}

	/**
	 * Takes the patch off again after the install latency; the target is back at the
	 * version it had before.
	 */
	@Override
	public CompletionStage<InstallResult> rollback(InstallRequest request) {
		Target target = request.target();
		Version before = this.versionsBefore.getOrDefault(target.name(), target.installedVersion());
		CompletableFuture<InstallResult> result = new CompletableFuture<>();
		this.executor.schedule(() -> {
			this.versions.put(target.name(), before);
			result
				.complete(new InstallResult(ResultCause.SUCCEEDED, MsiexecExitCodes.SUCCESS, "patch removed", before));
		}, delayNanos(random(target, 0)), TimeUnit.NANOSECONDS);
		return result.minimalCompletionStage();
	}

	@Override
	public ConnectorHealth health() {
		Instant since = this.outageSince;
		return since == null ? ConnectorHealth.up()
				: new ConnectorHealth(ConnectorHealth.Status.DOWN, OUTAGE, since, null);
	}

	@Override
	public CompletionStage<List<ConnectorCheck>> test() {
		return CompletableFuture.completedStage(List.of(this.outage ? ConnectorCheck.failed("reachable", OUTAGE)
				: ConnectorCheck.passed("reachable", "the simulated fleet answers")));
	}

	/** Makes the simulated deployment system unavailable until {@link #endOutage()}. */
	public void startOutage() {
		this.outageSince = Instant.now();
		this.outage = true;
	}

	public void endOutage() {
		this.outage = false;
		this.outageSince = null;
	}

	private CompletionStage<InstallResult> start(InstallRequest request) {
		Target target = request.target();
		if (target.installedVersion() != null) {
			this.versionsBefore.putIfAbsent(target.name(), target.installedVersion());
		}
		int attempt = this.installCounts.merge(target.name(), 1, Integer::sum);
		this.totalInstalls.incrementAndGet();
		RandomGenerator random = random(target, attempt);
		long delayNanos = delayNanos(random);
		InstallResult outcome = outcome(request, random);
		CompletableFuture<InstallResult> result = new CompletableFuture<>();
		this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
		try {
			this.executor.schedule(() -> finish(request, outcome, result), delayNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed: the install never reached the host, so it must not count as one.
			this.inFlight.decrementAndGet();
			this.totalInstalls.decrementAndGet();
			this.installCounts.merge(target.name(), -1, Integer::sum);
			return CompletableFuture.completedStage(InstallResult.infrastructureError("simulator connector is closed"));
		}
		logger.debug("Installing {} on {} (key {})", request.patch().id(), target.name(), request.idempotencyKey());
		// Callers share this stage, so none of them may complete it in place of the
		// install.
		return result.minimalCompletionStage();
	}

	private void finish(InstallRequest request, InstallResult outcome, CompletableFuture<InstallResult> result) {
		this.inFlight.decrementAndGet();
		if (outcome.installedVersion() != null) {
			this.versions.put(request.target().name(), outcome.installedVersion());
		}
		logger.debug("Install on {} (key {}) finished: {}", request.target().name(), request.idempotencyKey(),
				outcome.cause());
		result.complete(outcome);
	}

	private RandomGenerator random(Target target, int attempt) {
		if (this.settings.seed().isEmpty()) {
			return ThreadLocalRandom.current();
		}
		// One generator per target and attempt rather than one shared sequence, so the
		// outcomes do not depend
		// on the order in which concurrent dispatchers happen to call, nor on how
		// idempotency keys are made.
		long seed = 31 * (31 * this.settings.seed().getAsLong() + target.name().hashCode()) + attempt;
		return new SplittableRandom(seed);
	}

	private long delayNanos(RandomGenerator random) {
		long latency = this.settings.installLatency().toNanos();
		long jitter = this.settings.latencyJitter().toNanos();
		return (jitter > 0) ? latency + random.nextLong(jitter + 1) : latency;
	}

	private InstallResult outcome(InstallRequest request, RandomGenerator random) {
		Target target = request.target();
		String simulate = target.labels().get(SIMULATE_LABEL);
		if ("unreachable".equals(simulate)) {
			// Nothing answered, so there is neither an exit code nor a version read back.
			return new InstallResult(ResultCause.UNREACHABLE_TARGET, null, "target did not answer (simulated)", null);
		}
		int exitCode = "fail".equals(simulate) ? MsiexecExitCodes.FATAL_ERROR : drawExitCode(random);
		ResultCause cause = MsiexecExitCodes.classify(exitCode);
		Version installedVersion = cause.isSuccess() ? request.patch().fixedVersion() : target.installedVersion();
		return new InstallResult(cause, exitCode, MsiexecExitCodes.describe(exitCode), installedVersion);
	}

	private int drawExitCode(RandomGenerator random) {
		if (random.nextDouble() < this.settings.transientRate()) {
			return MsiexecExitCodes.ANOTHER_INSTALL_RUNNING;
		}
		if (random.nextDouble() < this.settings.failureRate()) {
			return MsiexecExitCodes.FATAL_ERROR;
		}
		return (random.nextDouble() < this.settings.rebootRate()) ? MsiexecExitCodes.REBOOT_REQUIRED
				: MsiexecExitCodes.SUCCESS;
	}

	/**
	 * How many installs were started on the target: each idempotency key once, whatever
	 * the outcome, an unreachable target's included, whether or not they have finished.
	 */
	public int installCount(String targetName) {
		return this.installCounts.getOrDefault(targetName, 0);
	}

	public int totalInstalls() {
		return this.totalInstalls.get();
	}

	/** Installs started and not yet completed. */
	public int inFlight() {
		return this.inFlight.get();
	}

	/** The most installs that were ever in flight at the same time. */
	public int maxInFlight() {
		return this.maxInFlight.get();
	}

	/**
	 * Turns new installs away with an infrastructure error. Installs already started
	 * still complete after their latency, so no caller waits forever on a closed
	 * connector.
	 */
	@Override
	public void close() {
		this.executor.shutdown();
	}

}
