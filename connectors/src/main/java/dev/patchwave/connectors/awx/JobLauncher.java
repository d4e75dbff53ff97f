package dev.patchwave.connectors.awx;

import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.connectors.resilience.InfrastructureException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Puts requests on AWX jobs, one job per batch, and never launches twice for one key: a
 * key already on a job, found in AWX by the extra variables the job was launched with,
 * joins that job. AWX's job list is asked, not a map of keys kept here: it knows the keys
 * of every job ever launched, after a restart too, where such a map would grow with every
 * key for the life of the process. A launch whose answer was lost may still have
 * happened, so it is looked for again before it is reported.
 */
final class JobLauncher {

	private static final Logger logger = LoggerFactory.getLogger(JobLauncher.class);

	/**
	 * Host names Ansible reads literally in a limit: no separators, patterns, groups or
	 * files.
	 */
	private static final Pattern LITERAL_HOST = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

	private final AwxApi api;

	private final JobFollower follower;

	private final JsonMapper json;

	JobLauncher(AwxApi api, JobFollower follower, JsonMapper json) {
		this.api = api;
		this.follower = follower;
		this.json = json;
	}

	/**
	 * Settles every request of the batch, when its job ends or as soon as it cannot be
	 * put on one. Runs the calls to AWX on the calling thread.
	 * @param installs whether the template installs the patch, so a success runs its
	 * fixed version
	 */
	void deploy(String templateReference, List<Pending> batch, boolean installs) {
		Set<Pending> unsettled = new LinkedHashSet<>(batch);
		try {
			JobTemplate template = this.api.template(templateReference);
			template.launchProblem().ifPresent(problem -> {
				throw new AwxRejectedException(409, problem);
			});
			for (Pending pending : batch) {
				if (!LITERAL_HOST.matcher(pending.host()).matches()) {
					unsettled.remove(pending);
					pending.settle()
						.accept(new InstallResult(ResultCause.FATAL_TARGET_ERROR, null,
								"host name '%s' cannot be passed to AWX as a limit: Ansible would read it as a pattern"
									.formatted(pending.host()),
								null));
				}
			}
			attachToEarlierJobs(template, unsettled, installs);
			if (!unsettled.isEmpty()) {
				launch(template, unsettled, installs);
			}
		}
		catch (RuntimeException | Error ex) {
			logger.warn("Requests with keys {} got no AWX job: {}", keys(unsettled), message(ex));
			InstallResult failed = InstallResult.infrastructureError(message(ex));
			unsettled.forEach(pending -> pending.settle().accept(failed));
			// Settled first: whoever waits must hear of it even when the JVM is in
			// trouble.
			if (ex instanceof Error error) {
				throw error;
			}
		}
	}

	/**
	 * Attaches each request whose key is on a job already, found in one search of the
	 * template's jobs for all the keys.
	 */
	private void attachToEarlierJobs(JobTemplate template, Set<Pending> unsettled, boolean installs) {
		Map<String, AwxJob> found = this.api.jobsWithKeys(template.id(), keys(unsettled));
		for (Pending pending : List.copyOf(unsettled)) {
			AwxJob job = found.get(pending.key());
			if (job != null) {
				logger.info("Key {} is on AWX job {} launched earlier; following it instead of launching",
						pending.key(), job.id());
				attach(job.id(), pending, unsettled, installs);
			}
		}
	}

	private void launch(JobTemplate template, Set<Pending> unsettled, boolean installs) {
		List<Pending> hosts = List.copyOf(unsettled);
		AwxApi.Launched launched;
		try {
			launched = this.api.launch(template, launchBody(hosts));
		}
		catch (InfrastructureException ex) {
			if (!ex.isTransient()) {
				throw ex;
			}
			// No answer, a 5xx, a reset: AWX may have created the job all the same.
			logger.warn("Launch of {} for {} host(s) got no clear answer ({}); looking for the job by key", template,
					hosts.size(), ex.getMessage());
			attachToEarlierJobs(template, unsettled, installs);
			if (!unsettled.isEmpty()) {
				throw InfrastructureException.transientFailure(
						"AWX did not confirm the launch of %s: %s".formatted(template, ex.getMessage()), ex);
			}
			return;
		}
		if (!launched.ignoredFields().isEmpty()) {
			this.api.cancel(launched.job());
			throw new AwxRejectedException(409, "%s ignored %s of the launch, so job %d was cancelled; tick "
				.formatted(template, launched.ignoredFields(), launched.job()) + "'Prompt on launch' for them");
		}
		logger.info("Launched AWX job {} from {} for {} host(s), keys {}", launched.job(), template, hosts.size(),
				keys(hosts));
		hosts.forEach(pending -> attach(launched.job(), pending, unsettled, installs));
	}

	private ObjectNode launchBody(List<Pending> hosts) {
		Patch patch = hosts.get(0).request().patch();
		ObjectNode body = this.json.createObjectNode();
		body.put("limit", hosts.stream().map(Pending::host).collect(Collectors.joining(",")));
		ObjectNode vars = body.putObject("extra_vars");
		vars.put(AwxJob.PATCH_VAR, patch.id());
		vars.put(AwxJob.FIXED_VERSION_VAR, patch.fixedVersion().toString());
		ObjectNode keys = vars.putObject(AwxJob.KEYS_VAR);
		hosts.forEach(pending -> keys.put(pending.host(), pending.key()));
		return body;
	}

	private void attach(long job, Pending pending, Set<Pending> unsettled, boolean installs) {
		unsettled.remove(pending);
		this.follower.follow(job).whenComplete((finished, ex) -> {
			if (ex == null) {
				pending.settle()
					.accept(finished.resultFor(pending.host(),
							installs ? pending.request().patch().fixedVersion() : null));
				return;
			}
			// A resend searches AWX again: it joins the job if AWX still lists it, and
			// launches anew only if it was deleted there.
			pending.settle()
				.accept(InstallResult.infrastructureError("lost track of AWX job %d: %s".formatted(job, message(ex))));
		});
	}

	private static List<String> keys(Collection<Pending> pending) {
		return pending.stream().map(Pending::key).toList();
	}

	static String message(Throwable ex) {
		Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		return (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName();
	}

}
