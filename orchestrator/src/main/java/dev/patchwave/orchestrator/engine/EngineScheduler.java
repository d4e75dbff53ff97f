package dev.patchwave.orchestrator.engine;

import java.time.Instant;
import java.util.Date;
import java.util.Set;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.matchers.GroupMatcher;
import org.springframework.stereotype.Component;

/**
 * Quartz owns time: the scheduled start of a rollout, the end of a wave's bake time and
 * the periodic reconcile. Jobs live in Quartz's JDBC store, so they survive restarts and
 * run on one node of a cluster; scheduled inside the caller's transaction, they are
 * written together with the state that needs them.
 */
@Component
public class EngineScheduler {

	static final String ROLLOUT_ID = "rolloutId";

	static final String WAVE = "wave";

	private final Scheduler scheduler;

	public EngineScheduler(Scheduler scheduler) {
		this.scheduler = scheduler;
	}

	public void scheduleStart(long rolloutId, Instant at) {
		schedule(JobBuilder.newJob(StartRolloutJob.class)
			.withIdentity("start", group(rolloutId))
			.usingJobData(ROLLOUT_ID, rolloutId)
			.build(), at);
	}

	public void scheduleBakeEnd(long rolloutId, int wave, Instant at) {
		schedule(JobBuilder.newJob(EndBakeJob.class)
			.withIdentity("bake-end-" + wave, group(rolloutId))
			.usingJobData(ROLLOUT_ID, rolloutId)
			.usingJobData(WAVE, wave)
			.build(), at);
	}

	/** Drops every pending job of a rollout, for a rollout that ended. */
	public void cancelAll(long rolloutId) {
		try {
			Set<JobKey> keys = this.scheduler.getJobKeys(GroupMatcher.jobGroupEquals(group(rolloutId)));
			this.scheduler.deleteJobs(keys.stream().toList());
		}
		catch (SchedulerException ex) {
			throw new IllegalStateException("Could not cancel the jobs of rollout " + rolloutId, ex);
		}
	}

	void ensureReconcile(java.time.Duration interval) {
		JobDetail job = JobBuilder.newJob(ReconcileJob.class)
			.withIdentity("reconcile", "engine")
			.storeDurably()
			.build();
		Trigger trigger = TriggerBuilder.newTrigger()
			.withIdentity("reconcile", "engine")
			.forJob(job)
			.startNow()
			.withSchedule(SimpleScheduleBuilder.simpleSchedule()
				.withIntervalInMilliseconds(interval.toMillis())
				.repeatForever()
				.withMisfireHandlingInstructionNextWithRemainingCount())
			.build();
		try {
			this.scheduler.scheduleJob(job, Set.of(trigger), true);
		}
		catch (SchedulerException ex) {
			throw new IllegalStateException("Could not schedule the reconcile job", ex);
		}
	}

	private void schedule(JobDetail job, Instant at) {
		Trigger trigger = TriggerBuilder.newTrigger()
			.withIdentity(job.getKey().getName(), job.getKey().getGroup())
			.startAt(Date.from(at))
			.withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
			.build();
		try {
			this.scheduler.scheduleJob(job, Set.of(trigger), true);
		}
		catch (SchedulerException ex) {
			throw new IllegalStateException("Could not schedule " + job.getKey(), ex);
		}
	}

	private static String group(long rolloutId) {
		return "rollout-" + rolloutId;
	}

	/** Starts a scheduled rollout at its not-before time. */
	static class StartRolloutJob implements Job {

		private final RolloutCommands commands;

		StartRolloutJob(RolloutCommands commands) {
			this.commands = commands;
		}

		@Override
		public void execute(JobExecutionContext context) {
			this.commands.startScheduled(context.getMergedJobDataMap().getLong(ROLLOUT_ID));
		}

	}

	/** Ends a wave's bake time. */
	static class EndBakeJob implements Job {

		private final RolloutCommands commands;

		EndBakeJob(RolloutCommands commands) {
			this.commands = commands;
		}

		@Override
		public void execute(JobExecutionContext context) {
			this.commands.endBake(context.getMergedJobDataMap().getLong(ROLLOUT_ID),
					context.getMergedJobDataMap().getInt(WAVE));
		}

	}

	/**
	 * Checks every active rollout for work that fell through: a lost step, a result that
	 * never came.
	 */
	@DisallowConcurrentExecution
	static class ReconcileJob implements Job {

		private final Reconciler reconciler;

		ReconcileJob(Reconciler reconciler) {
			this.reconciler = reconciler;
		}

		@Override
		public void execute(JobExecutionContext context) {
			this.reconciler.reconcileAll();
		}

	}

}
