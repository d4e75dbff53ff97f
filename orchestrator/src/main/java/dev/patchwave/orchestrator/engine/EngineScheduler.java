package dev.patchwave.orchestrator.engine;

import java.time.Instant;
import java.util.Date;
import java.util.Set;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Quartz owns time: the scheduled start of a rollout and the end of a wave's bake time.
 * Jobs live in Quartz's JDBC store, so they survive restarts and run on one node of a
 * cluster; scheduled inside the caller's transaction, they are written together with the
 * state that needs them. A trigger missed while every node was down fires as soon as one
 * is up (misfire: fire now); a job that was running on a node that died is run again
 * (requests recovery); and a job that fails is not lost, because the owning node's
 * heartbeat starts a scheduled rollout or ends a bake whose time has come by itself.
 */
@Component
public class EngineScheduler {

	private static final Logger log = LoggerFactory.getLogger(EngineScheduler.class);

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
			.requestRecovery()
			.build(), at);
	}

	public void scheduleBakeEnd(long rolloutId, int wave, Instant at) {
		schedule(JobBuilder.newJob(EndBakeJob.class)
			.withIdentity("bake-end-" + wave, group(rolloutId))
			.usingJobData(ROLLOUT_ID, rolloutId)
			.usingJobData(WAVE, wave)
			.requestRecovery()
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

	private static void runLogged(JobExecutionContext context, Runnable action) {
		try {
			action.run();
		}
		catch (RuntimeException ex) {
			log.warn("Timer {} failed; the owning node's heartbeat carries it out instead",
					context.getJobDetail().getKey(), ex);
		}
	}

	/** Starts a scheduled rollout at its not-before time. */
	static class StartRolloutJob implements Job {

		private final RolloutCommands commands;

		StartRolloutJob(RolloutCommands commands) {
			this.commands = commands;
		}

		@Override
		public void execute(JobExecutionContext context) {
			runLogged(context, () -> this.commands.startScheduled(context.getMergedJobDataMap().getLong(ROLLOUT_ID)));
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
			runLogged(context, () -> this.commands.endBake(context.getMergedJobDataMap().getLong(ROLLOUT_ID),
					context.getMergedJobDataMap().getInt(WAVE)));
		}

	}

}
