package dev.patchwave.connectors.awx;

import dev.patchwave.common.connector.CallStatus;
import dev.patchwave.common.connector.Connector;
import dev.patchwave.common.connector.ConnectorCapabilities;
import dev.patchwave.common.connector.ConnectorCheck;
import dev.patchwave.common.connector.ConnectorHealth;
import dev.patchwave.common.connector.InstallRequest;
import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.patch.Version;
import dev.patchwave.common.target.Target;
import dev.patchwave.connectors.resilience.ConnectorGuard;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Installs through AWX (or Ansible Automation Platform's controller): one job of the
 * install job template per batch, its hosts passed as the limit and the idempotency keys
 * as extra variables, followed until it ends and read back host by host. Nothing is asked
 * of AWX until the first call; the blocking calls run on virtual threads, so every method
 * answers at once.
 */
final class AwxConnector implements Connector {

	static final String ROLLBACK_KEY_PREFIX = "rollback-";

	private final AwxSettings settings;

	private final ConnectorGuard guard;

	private final AwxHttp http;

	private final AwxApi api;

	private final ExecutorService work;

	private final JobFollower follower;

	private final JobLauncher launcher;

	/**
	 * The outcomes of the keys under way, for a repeat to join. A key is dropped as its
	 * outcome is settled: kept, every key of a rollout of 100,000 targets would stay for
	 * the life of the process. A later repeat finds the key's job in AWX instead, and
	 * answers that job's outcome for the host; after an infrastructure error AWX may have
	 * no job under the key, and the repeat launches one.
	 */
	private final ConcurrentMap<String, CompletableFuture<InstallResult>> outcomes = new ConcurrentHashMap<>();

	AwxConnector(String name, AwxSettings settings) {
		JsonMapper json = JsonMapper.builder().build();
		this.settings = settings;
		this.guard = new ConnectorGuard(name, settings.resilience());
		this.http = new AwxHttp(settings, this.guard, json);
		this.api = new AwxApi(this.http, json);
		this.work = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("awx-" + name + "-", 0).factory());
		this.follower = new JobFollower(this.api, settings.pollInterval(), settings.jobTimeout(), this.work);
		this.launcher = new JobLauncher(this.api, this.follower, json);
	}

	@Override
	public ConnectorCapabilities capabilities() {
		return new ConnectorCapabilities(true, this.settings.rollbackJobTemplate().isPresent(),
				this.settings.maxBatchSize());
	}

	@Override
	public CompletionStage<InstallResult> install(InstallRequest request) {
		return installBatch(List.of(request)).get(0);
	}

	@Override
	public List<CompletionStage<InstallResult>> installBatch(List<InstallRequest> batch) {
		checkBatch(batch);
		return submit(this.settings.installJobTemplate(), "", batch, true);
	}

	@Override
	public CompletionStage<InstallResult> rollback(InstallRequest request) {
		Optional<String> template = this.settings.rollbackJobTemplate();
		if (template.isEmpty()) {
			return CompletableFuture.failedStage(new UnsupportedOperationException(
					"this AWX connector has no rollbackJobTemplate, so it cannot roll back"));
		}
		return submit(template.get(), ROLLBACK_KEY_PREFIX, List.of(request), false).get(0);
	}

	private void checkBatch(List<InstallRequest> batch) {
		if (batch.size() > this.settings.maxBatchSize()) {
			throw new IllegalArgumentException(
					"a batch holds at most %d requests, got %d".formatted(this.settings.maxBatchSize(), batch.size()));
		}
		if (batch.stream().map(request -> request.patch().id()).distinct().count() > 1) {
			throw new IllegalArgumentException("all requests of a batch must be for the same patch");
		}
		Set<String> hosts = new HashSet<>();
		for (InstallRequest request : batch) {
			// One job passes one key per host, so a host twice would lose one of its
			// keys.
			if (!hosts.add(request.target().name())) {
				throw new IllegalArgumentException(
						"target '%s' appears twice in the batch".formatted(request.target().name()));
			}
		}
	}

	private List<CompletionStage<InstallResult>> submit(String template, String keyPrefix, List<InstallRequest> batch,
			boolean installs) {
		List<CompletionStage<InstallResult>> stages = new ArrayList<>(batch.size());
		List<Pending> fresh = new ArrayList<>();
		for (InstallRequest request : batch) {
			String key = keyPrefix + request.idempotencyKey();
			CompletableFuture<InstallResult> created = new CompletableFuture<>();
			CompletableFuture<InstallResult> existing = this.outcomes.putIfAbsent(key, created);
			// Callers share these stages, so none of them may complete one in place of
			// AWX.
			stages.add(((existing != null) ? existing : created).minimalCompletionStage());
			if (existing == null) {
				fresh.add(new Pending(request, key, result -> settle(key, created, result)));
			}
		}
		if (!fresh.isEmpty()) {
			try {
				this.work.execute(() -> this.launcher.deploy(template, fresh, installs));
			}
			catch (RejectedExecutionException ex) {
				fresh.forEach(pending -> pending.settle()
					.accept(InstallResult.infrastructureError("the AWX connector is closed")));
			}
		}
		return stages;
	}

	/**
	 * Forgets the key before completing its outcome, so a caller that resends as soon as
	 * it hears asks AWX and never finds a stale infrastructure error here. A repeat that
	 * comes meanwhile either joins this outcome or, once the key is forgotten, searches
	 * AWX, which lists the job the key was on: it never launches a second one.
	 */
	private void settle(String key, CompletableFuture<InstallResult> outcome, InstallResult result) {
		this.outcomes.remove(key, outcome);
		outcome.complete(result);
	}

	/** How many keys are under way, which is all this connector keeps of keys. */
	int keysInFlight() {
		return this.outcomes.size();
	}

	/** How many jobs this connector is following. */
	int jobsFollowed() {
		return this.follower.followed();
	}

	/**
	 * Asks AWX, not this connector's memory, so that a controller that restarted learns
	 * the truth: the newest job of the install template carrying the key, read once and
	 * never followed. A job that ended but whose events AWX is still storing has no host
	 * summaries yet, so it still counts as running. Completes exceptionally when AWX does
	 * not answer.
	 */
	@Override
	public CompletionStage<CallStatus> status(InstallRequest request) {
		String key = request.idempotencyKey();
		return async(() -> {
			JobTemplate template = this.api.template(this.settings.installJobTemplate());
			AwxJob listed = this.api.jobsWithKeys(template.id(), List.of(key)).get(key);
			if (listed == null) {
				return CallStatus.neverSeen();
			}
			if (!listed.isFinished()) {
				return CallStatus.running();
			}
			// The list view leaves out whether the events are stored; the job itself
			// says.
			AwxJob job = this.api.job(listed.id());
			if (!job.isFinished() || !job.eventsProcessed()) {
				return CallStatus.running();
			}
			FinishedJob finished = new FinishedJob(job, this.api.hostSummaries(job.id()), null);
			return CallStatus.finished(resultFor(finished, key));
		});
	}

	private static InstallResult resultFor(FinishedJob finished, String key) {
		String host = finished.job()
			.keys()
			.entrySet()
			.stream()
			.filter(entry -> entry.getValue().equals(key))
			.map(Map.Entry::getKey)
			.findFirst()
			.orElse("");
		return finished.resultFor(host, finished.job().fixedVersion());
	}

	/**
	 * The version of the versionFact in the facts AWX cached for the host; without a
	 * versionFact, the version last recorded for the target, since AWX knows no better.
	 */
	@Override
	public CompletionStage<Version> installedVersion(Target target, Patch patch) {
		Optional<String> fact = this.settings.versionFact();
		if (fact.isEmpty()) {
			return CompletableFuture.completedStage(target.installedVersion());
		}
		return async(() -> {
			JobTemplate template = this.api.template(this.settings.installJobTemplate());
			JsonNode value = this.api.facts(this.api.hostId(target.name(), template.inventory()));
			for (String part : fact.get().split("\\.")) {
				value = value.path(part);
			}
			if (!value.isValueNode()) {
				throw new IllegalStateException("AWX has no fact '%s' for host '%s'; the job template must gather it "
					.formatted(fact.get(), target.name()) + "with fact storage enabled");
			}
			return Version.parse(value.asString());
		});
	}

	@Override
	public ConnectorHealth health() {
		return this.guard.health();
	}

	@Override
	public CompletionStage<List<ConnectorCheck>> test() {
		return async(() -> {
			List<ConnectorCheck> checks = new ArrayList<>();
			checks
				.add(check("reachable", () -> "AWX %s answers at %s".formatted(this.api.ping(), this.settings.url())));
			checks.add(check("token", () -> "AWX accepts the token, as user '%s'".formatted(this.api.me())));
			checks.add(templateCheck("install job template", this.settings.installJobTemplate()));
			this.settings.rollbackJobTemplate()
				.ifPresent(template -> checks.add(templateCheck("rollback job template", template)));
			return checks;
		});
	}

	private ConnectorCheck templateCheck(String name, String reference) {
		return check(name, () -> {
			JobTemplate template = this.api.template(reference);
			template.launchProblem().ifPresent(problem -> {
				throw new AwxRejectedException(409, problem);
			});
			return "%s prompts for limit and variables on launch".formatted(template);
		});
	}

	private static ConnectorCheck check(String name, Supplier<String> probe) {
		try {
			return ConnectorCheck.passed(name, probe.get());
		}
		catch (RuntimeException ex) {
			return ConnectorCheck.failed(name, JobLauncher.message(ex));
		}
	}

	private <T> CompletableFuture<T> async(Supplier<T> call) {
		try {
			return CompletableFuture.supplyAsync(call, this.work);
		}
		catch (RejectedExecutionException ex) {
			return CompletableFuture.failedFuture(new IllegalStateException("the AWX connector is closed", ex));
		}
	}

	/**
	 * Stops following jobs: installs still waiting complete with an infrastructure error.
	 */
	@Override
	public void close() {
		this.work.shutdownNow();
		this.guard.close();
		this.http.close();
	}

}
