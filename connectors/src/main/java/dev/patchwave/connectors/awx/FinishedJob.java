package dev.patchwave.connectors.awx;

import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.patch.Version;
import java.time.Duration;
import java.util.Map;

/**
 * A job that has ended, with what Ansible reported per host; what each host's install
 * came to follows from it alone.
 *
 * @param summaries the job's host summaries, by host name
 * @param cancelledAfter how long the job had run when Patchwave cancelled it for running
 * too long, or {@code null} when it ended by itself
 */
record FinishedJob(AwxJob job, Map<String, HostSummary> summaries, Duration cancelledAfter) {

	FinishedJob {
		summaries = Map.copyOf(summaries);
	}

	/**
	 * The outcome on one host. Failed tasks count before unreachability: a host that
	 * failed a task and then dropped off was reachable enough for the install to fail.
	 * @param versionOnSuccess the version a host runs when the job succeeded on it, if
	 * known
	 */
	InstallResult resultFor(String host, Version versionOnSuccess) {
		long id = this.job.id();
		if (this.cancelledAfter != null) {
			return fatal(
					"job %d cancelled after %s: it was still %s".formatted(id, this.cancelledAfter, this.job.status()));
		}
		HostSummary summary = this.summaries.get(host);
		if (summary == null) {
			String why = this.job.explanation().isBlank() ? "" : ": " + this.job.explanation();
			return fatal("job %d ended %s without a result for this host%s".formatted(id, this.job.status(), why));
		}
		String counts = "ok=%d changed=%d".formatted(summary.ok(), summary.changed());
		if (summary.failures() > 0) {
			return fatal("job %d: %d task(s) failed on this host (%s)".formatted(id, summary.failures(), counts));
		}
		if (summary.dark() > 0) {
			return new InstallResult(ResultCause.UNREACHABLE_TARGET, null,
					"job %d: host unreachable (dark=%d, %s)".formatted(id, summary.dark(), counts), null);
		}
		if (summary.failed()) {
			return fatal("job %d: Ansible marked this host failed (%s)".formatted(id, counts));
		}
		return new InstallResult(ResultCause.SUCCEEDED, null, "job %d: %s".formatted(id, counts), versionOnSuccess);
	}

	private static InstallResult fatal(String message) {
		return new InstallResult(ResultCause.FATAL_TARGET_ERROR, null, message, null);
	}

}
