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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * asked to do, per target, so tests can prove that installs ran exactly once and how many
 * ran at the same time.
 *
 * <p>
 * Only installs under way are kept by key, for a repeat to join. Each simulated host
 * keeps the key and outcome of its latest install, as a real host keeps the marker of an
 * install, and answers a repeat of that key without installing again; so memory grows
 * with the fleet, not with every key of every rollout. A host remembers its latest key
 * only: Patchwave gives a target a new key once the previous one was answered, and runs
 * one rollout on a target at a time, so it never sends an older key again. One that came
 * all the same would install again, and {@link #installCount} would show it.
 *
 * <p>
 * With {@code recordFile} set, the simulated system keeps its record there as well as in
 * memory, so that it outlives the JVM: one line per install started and per install
 * finished ({@link InstallRecord}). A simulator created on an existing file answers the
 * keys it holds as the real system would after a controller crash: each host's latest key
 * with its outcome, never installing again, and status from the record. An install that
 * was started but not finished when the JVM died is one the simulated fleet went on with
 * while the controller was gone: it is finished on creation with the outcome it would
 * have drawn (the same for a given seed, target and attempt), and recorded so.
 */
public final class SimulatorConnector implements Connector {

	static final String SIMULATE_LABEL = "simulate";

	static final String OUTAGE = "simulated outage: the deployment system does not answer";

	private static final Logger logger = LoggerFactory.getLogger(SimulatorConnector.class);

	private final SimulatorSettings settings;

	private final ScheduledExecutorService executor;

	/** The outcomes of the installs under way, by key. */
	private final ConcurrentMap<String, CompletableFuture<InstallResult>> outcomes = new ConcurrentHashMap<>();

	/** Each host's latest finished install, by target name. */
	private final ConcurrentMap<String, LastInstall> lastInstalls = new ConcurrentHashMap<>();

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

	/** Null without the {@code recordFile} setting. */
	private final InstallRecord record;

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
		this.record = settings.recordFile().map(InstallRecord::open).orElse(null);
		if (this.record != null) {
			recover(name);
		}
	}

	/**
	 * Takes up the installs of the record file, finishing those a crash cut short. A
	 * started line is written once the install is under way, so with no latency its
	 * finished line may come first, or alone. Taken up in the order they finished, those
	 * finished now last, so each host ends with its latest install and version.
	 */
	private void recover(String name) {
		Map<String, InstallRecord.Line> started = new LinkedHashMap<>();
		Map<String, InstallRecord.Line> finished = new LinkedHashMap<>();
		for (InstallRecord.Line line : this.record.lines()) {
			(InstallRecord.STARTED.equals(line.event()) ? started : finished).put(line.key(), line);
		}
		Set<String> keys = new LinkedHashSet<>(finished.keySet());
		keys.addAll(started.keySet());
		int completed = 0;
		for (String key : keys) {
			InstallRecord.Line start = started.get(key);
			InstallRecord.Line end = finished.get(key);
			String target = (start != null) ? start.target() : end.target();
			this.installCounts.merge(target, 1, Integer::sum);
			this.totalInstalls.incrementAndGet();
			Version before = (start != null) ? InstallRecord.Line.version(start.before()) : null;
			if (before != null) {
				this.versionsBefore.putIfAbsent(target, before);
			}
			InstallResult result;
			if (end != null) {
				result = end.result();
			}
			else {
				result = outcome(start.simulate(), InstallRecord.Line.version(start.fixedVersion()), before,
						random(target, start.attempt()));
				this.record.append(InstallRecord.Line.finished(key, target, result));
				completed++;
			}
			if (result.installedVersion() != null) {
				this.versions.put(target, result.installedVersion());
			}
			this.lastInstalls.put(target, new LastInstall(key, result));
		}
		logger.info("Simulator {} took up {} installs from {}, finishing {} that a crash cut short", name, keys.size(),
				this.settings.recordFile().orElseThrow(), completed);
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
		CompletableFuture<InstallResult> mine = new CompletableFuture<>();
		CompletableFuture<InstallResult> first = this.outcomes.putIfAbsent(request.idempotencyKey(), mine);
		if (first != null) {
			return first.minimalCompletionStage();
		}
		// Claimed before the host is asked: an install of the key that just finished
		// recorded its outcome on the host before it let go of the key.
		Optional<InstallResult> recorded = recorded(request);
		if (recorded.isPresent()) {
			this.outcomes.remove(request.idempotencyKey(), mine);
			mine.complete(recorded.get());
		}
		else {
			start(request, mine);
		}
		// Callers share this stage, so none of them may complete it in place of the
		// install.
		return mine.minimalCompletionStage();
	}

	@Override
	public CompletionStage<CallStatus> status(InstallRequest request) {
		CompletableFuture<InstallResult> underWay = this.outcomes.get(request.idempotencyKey());
		CallStatus status = (underWay != null) ? CallStatus.of(underWay)
				: recorded(request).map(CallStatus::finished).orElse(CallStatus.neverSeen());
		return CompletableFuture.completedStage(status);
	}

	/**
	 * The outcome the target's host recorded for the key, if its latest install had it.
	 */
	private Optional<InstallResult> recorded(InstallRequest request) {
		LastInstall last = this.lastInstalls.get(request.target().name());
		return (last != null && last.key().equals(request.idempotencyKey())) ? Optional.of(last.outcome())
				: Optional.empty();
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
		}, delayNanos(random(target.name(), 0)), TimeUnit.NANOSECONDS);
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

	private void start(InstallRequest request, CompletableFuture<InstallResult> result) {
		Target target = request.target();
		if (target.installedVersion() != null) {
			this.versionsBefore.putIfAbsent(target.name(), target.installedVersion());
		}
		int attempt = this.installCounts.merge(target.name(), 1, Integer::sum);
		this.totalInstalls.incrementAndGet();
		RandomGenerator random = random(target.name(), attempt);
		long delayNanos = delayNanos(random);
		String simulate = target.labels().get(SIMULATE_LABEL);
		InstallResult outcome = outcome(simulate, request.patch().fixedVersion(), target.installedVersion(), random);
		this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
		try {
			this.executor.schedule(() -> finish(request, outcome, result), delayNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed: the install never reached the host, so it must not count as one.
			this.inFlight.decrementAndGet();
			this.totalInstalls.decrementAndGet();
			this.installCounts.merge(target.name(), -1, Integer::sum);
			this.outcomes.remove(request.idempotencyKey(), result);
			result.complete(InstallResult.infrastructureError("simulator connector is closed"));
			return;
		}
		if (this.record != null) {
			this.record.append(InstallRecord.Line.started(request.idempotencyKey(), target.name(), attempt, simulate,
					request.patch().fixedVersion(), target.installedVersion()));
		}
		logger.debug("Installing {} on {} (key {})", request.patch().id(), target.name(), request.idempotencyKey());
	}

	private void finish(InstallRequest request, InstallResult outcome, CompletableFuture<InstallResult> result) {
		this.inFlight.decrementAndGet();
		if (outcome.installedVersion() != null) {
			this.versions.put(request.target().name(), outcome.installedVersion());
		}
		if (this.record != null) {
			this.record.append(InstallRecord.Line.finished(request.idempotencyKey(), request.target().name(), outcome));
		}
		logger.debug("Install on {} (key {}) finished: {}", request.target().name(), request.idempotencyKey(),
				outcome.cause());
		// Recorded on the host before the key is let go, so a repeat finds one or the
		// other.
		this.lastInstalls.put(request.target().name(), new LastInstall(request.idempotencyKey(), outcome));
		this.outcomes.remove(request.idempotencyKey(), result);
		result.complete(outcome);
	}

	private RandomGenerator random(String targetName, int attempt) {
		if (this.settings.seed().isEmpty()) {
			return ThreadLocalRandom.current();
		}
		// One generator per target and attempt rather than one shared sequence, so the
		// outcomes do not depend
		// on the order in which concurrent dispatchers happen to call, nor on how
		// idempotency keys are made.
		long seed = 31 * (31 * this.settings.seed().getAsLong() + targetName.hashCode()) + attempt;
		return new SplittableRandom(seed);
	}

	private long delayNanos(RandomGenerator random) {
		long latency = this.settings.installLatency().toNanos();
		long jitter = this.settings.latencyJitter().toNanos();
		return (jitter > 0) ? latency + random.nextLong(jitter + 1) : latency;
	}

	/**
	 * The outcome drawn for an install, from the target's {@code simulate} label, the
	 * patch's fixed version and the version the target ran before.
	 */
	private InstallResult outcome(String simulate, Version fixedVersion, Version before, RandomGenerator random) {
		if ("unreachable".equals(simulate)) {
			// Nothing answered, so there is neither an exit code nor a version read back.
			return new InstallResult(ResultCause.UNREACHABLE_TARGET, null, "target did not answer (simulated)", null);
		}
		int exitCode = "fail".equals(simulate) ? MsiexecExitCodes.FATAL_ERROR : drawExitCode(random);
		ResultCause cause = MsiexecExitCodes.classify(exitCode);
		Version installedVersion = cause.isSuccess() ? fixedVersion : before;
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

	/** Keys kept in memory: those of the installs under way. */
	int keysInFlight() {
		return this.outcomes.size();
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
	 * What a simulated host keeps of its latest install: the key it ran under and its
	 * outcome.
	 */
	private record LastInstall(String key, InstallResult outcome) {
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
