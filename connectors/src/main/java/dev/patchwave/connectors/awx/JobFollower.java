package dev.patchwave.connectors.awx;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads AWX jobs until they end, one virtual thread per job however many installs wait on
 * it, and cancels those still running a job timeout after this connector began following
 * them. A job is followed only while someone waits on it: once it ended, or following it
 * failed, it is forgotten, before its waiters hear, and the next caller follows it afresh
 * (a job that ended is read once).
 */
final class JobFollower {

	private static final Logger logger = LoggerFactory.getLogger(JobFollower.class);

	private final AwxApi api;

	private final Duration pollInterval;

	private final Duration jobTimeout;

	private final Executor executor;

	private final ConcurrentMap<Long, CompletableFuture<FinishedJob>> following = new ConcurrentHashMap<>();

	JobFollower(AwxApi api, Duration pollInterval, Duration jobTimeout, Executor executor) {
		this.api = api;
		this.pollInterval = pollInterval;
		this.jobTimeout = jobTimeout;
		this.executor = executor;
	}

	/**
	 * Completes when the job has ended, or exceptionally when AWX could not be asked how
	 * it went.
	 */
	CompletableFuture<FinishedJob> follow(long jobId) {
		CompletableFuture<FinishedJob> created = new CompletableFuture<>();
		CompletableFuture<FinishedJob> existing = this.following.putIfAbsent(jobId, created);
		if (existing != null) {
			return existing;
		}
		// Removed before completing, so a caller woken by the outcome that follows again
		// starts afresh.
		try {
			this.executor.execute(() -> {
				try {
					FinishedJob finished = untilFinished(jobId);
					this.following.remove(jobId, created);
					created.complete(finished);
				}
				catch (Throwable ex) {
					logger.warn("Lost track of AWX job {}: {}", jobId, ex.getMessage());
					this.following.remove(jobId, created);
					created.completeExceptionally(ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.following.remove(jobId, created);
			created.completeExceptionally(new IllegalStateException("the AWX connector is closed", ex));
		}
		return created;
	}

	/** How many jobs are followed now. */
	int followed() {
		return this.following.size();
	}

	private FinishedJob untilFinished(long jobId) throws InterruptedException {
		long started = System.nanoTime();
		while (true) {
			AwxJob job = this.api.job(jobId);
			Duration running = Duration.ofNanos(System.nanoTime() - started);
			boolean overdue = running.compareTo(this.jobTimeout) > 0;
			if (job.isFinished() && (job.eventsProcessed() || overdue)) {
				FinishedJob finished = new FinishedJob(job, this.api.hostSummaries(jobId), null);
				logger.info("AWX job {} ended {} with results for {} host(s)", jobId, job.status(),
						finished.summaries().size());
				return finished;
			}
			if (overdue && !job.isFinished()) {
				logger.warn("AWX job {} is still {} after {}; cancelling it", jobId, job.status(), this.jobTimeout);
				try {
					this.api.cancel(jobId);
					return new FinishedJob(job, Map.of(), this.jobTimeout);
				}
				catch (AwxRejectedException ex) {
					// AWX refuses to cancel a job that has just ended; the next read
					// shows how it ended.
					logger.info("AWX did not cancel job {}: {}", jobId, ex.getMessage());
				}
			}
			logger.debug("AWX job {} is {}", jobId, job.status());
			Thread.sleep(this.pollInterval);
		}
	}

}
