package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.target.Target;
import dev.patchwave.orchestrator.event.EventJournal;
import dev.patchwave.orchestrator.plan.InstallTimes;
import dev.patchwave.orchestrator.rollout.RolloutRow;
import dev.patchwave.orchestrator.window.MaintenanceWindow;
import dev.patchwave.orchestrator.window.Opening;
import dev.patchwave.orchestrator.window.RolloutCalendar;
import dev.patchwave.orchestrator.window.TargetCalendar;
import dev.patchwave.orchestrator.window.TargetCalendar.Verdict;
import dev.patchwave.orchestrator.window.Windows;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps dispatch inside maintenance windows and out of blackouts: a target is started
 * only while one of its windows is open and long enough still for its expected install
 * time, and no blackout that concerns it holds or begins before the install would end.
 * Journals once why a rollout waits and until when, not on every step. A window's opening
 * is noticed at the rollout's next step, at the latest at the next heartbeat.
 */
@Component
class DispatchWindows {

	private static final Logger log = LoggerFactory.getLogger(DispatchWindows.class);

	private final Windows windows;

	private final InstallTimes installTimes;

	private final EventJournal journal;

	/**
	 * What each rollout was journaled waiting for, as window/reason/next start, until
	 * that next start has come.
	 */
	private final Map<Long, Map<String, Instant>> journaled = new ConcurrentHashMap<>();

	DispatchWindows(Windows windows, InstallTimes installTimes, EventJournal journal) {
		this.windows = windows;
		this.installTimes = installTimes;
		this.journal = journal;
	}

	/**
	 * The windows as they stand for one claim of the rollout's targets at {@code now}.
	 */
	Gate gate(RolloutRow rollout, Instant now) {
		return new Gate(rollout, this.windows.forRollout(rollout.id()), now);
	}

	/** Decides for the targets of one claim. */
	final class Gate {

		private final RolloutRow rollout;

		private final RolloutCalendar calendar;

		private final Instant now;

		private Gate(RolloutRow rollout, RolloutCalendar calendar, Instant now) {
			this.rollout = rollout;
			this.calendar = calendar;
			this.now = now;
		}

		/**
		 * Whether no target of the rollout may start now whatever its labels: none of its
		 * windows is open, or a blackout for every target holds. Journals why.
		 */
		boolean closed() {
			if (this.calendar.isAnyTime()) {
				return false;
			}
			for (MaintenanceWindow blackout : this.calendar.blackouts()) {
				Optional<Opening> frozen = blackout.isScoped() ? Optional.empty() : blackout.openingAt(this.now);
				if (frozen.isPresent()) {
					waits(new Verdict(false, blackout.name(), TargetCalendar.Reason.BLACKOUT, frozen.get().end()),
							null);
					return true;
				}
			}
			if (this.calendar.windows().isEmpty()
					|| this.calendar.windows().stream().anyMatch(w -> w.openingAt(this.now).isPresent())) {
				return false;
			}
			MaintenanceWindow first = null;
			Instant next = null;
			for (MaintenanceWindow window : this.calendar.windows()) {
				Instant opens = window.nextOpening(this.now).map(Opening::start).orElse(null);
				if (opens != null && (next == null || opens.isBefore(next))) {
					first = window;
					next = opens;
				}
			}
			waits(new Verdict(false, first == null ? this.calendar.windows().get(0).name() : first.name(),
					TargetCalendar.Reason.CLOSED, next), null);
			return true;
		}

		/** Whether the target may start now; journals why not, once. */
		boolean allows(Target target) {
			TargetCalendar own = this.calendar.of(target);
			if (own.isAnyTime()) {
				return true;
			}
			Duration expected = DispatchWindows.this.installTimes.expected(target.connector(), this.rollout.patchId())
				.duration();
			Verdict verdict = own.at(this.now, expected);
			if (!verdict.allowed()) {
				waits(verdict, expected);
			}
			return verdict.allowed();
		}

		private void waits(Verdict verdict, Duration expected) {
			long rolloutId = this.rollout.id();
			Map<String, Instant> seen = DispatchWindows.this.journaled.computeIfAbsent(rolloutId,
					id -> new ConcurrentHashMap<>());
			seen.values().removeIf(next -> !next.isAfter(this.now));
			String key = verdict.window() + "/" + verdict.reason() + "/" + verdict.nextStart();
			if (seen.putIfAbsent(key, verdict.nextStart() == null ? Instant.MAX : verdict.nextStart()) != null) {
				return;
			}
			String until = verdict.nextStart() == null ? "no opening found" : "until " + verdict.nextStart();
			String message = switch (verdict.reason()) {
				case CLOSED -> "Dispatch waits for window '%s' to open: %s".formatted(verdict.window(), until);
				case CUTOFF -> "Window '%s' closes before an install expected to take %s would end; it waits %s"
					.formatted(verdict.window(), expected, until);
				case BLACKOUT -> "Blackout '%s' forbids dispatch %s".formatted(verdict.window(), until);
				case BLACKOUT_CUTOFF ->
					"Blackout '%s' begins before an install expected to take %s would end; it waits %s"
						.formatted(verdict.window(), expected, until);
			};
			DispatchWindows.this.journal.append(rolloutId, EventJournal.ENGINE, "WINDOW_WAIT", message);
			log.info("Rollout {}: {}", rolloutId, message);
		}

	}

}
