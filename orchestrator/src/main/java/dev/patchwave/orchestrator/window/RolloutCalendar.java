package dev.patchwave.orchestrator.window;

import dev.patchwave.common.target.Target;
import java.util.ArrayList;
import java.util.List;

/**
 * The windows a rollout dispatches in and the blackouts in force. For each target, the
 * windows whose selector matches it take precedence over the unscoped ones.
 */
public record RolloutCalendar(List<MaintenanceWindow> windows, List<MaintenanceWindow> blackouts) {

	public RolloutCalendar {
		windows = List.copyOf(windows);
		blackouts = List.copyOf(blackouts);
	}

	public boolean isAnyTime() {
		return this.windows.isEmpty() && this.blackouts.isEmpty();
	}

	public TargetCalendar of(Target target) {
		if (isAnyTime()) {
			return TargetCalendar.ANY_TIME;
		}
		List<MaintenanceWindow> scoped = this.windows.stream()
			.filter(window -> window.isScoped() && window.appliesTo(target.labels()))
			.toList();
		List<MaintenanceWindow> own = scoped.isEmpty()
				? this.windows.stream().filter(window -> !window.isScoped()).toList() : scoped;
		return new TargetCalendar(!this.windows.isEmpty(), own,
				this.blackouts.stream().filter(blackout -> blackout.appliesTo(target.labels())).toList());
	}

	/** This calendar with one more window, to see what it would change. */
	public RolloutCalendar plus(MaintenanceWindow window) {
		List<MaintenanceWindow> more = new ArrayList<>(this.windows);
		more.add(window);
		return new RolloutCalendar(more, this.blackouts);
	}

	public List<String> windowNames() {
		return this.windows.stream().map(MaintenanceWindow::name).toList();
	}

}
