package dev.patchwave.orchestrator.window;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The windows and blackouts as the engine reads them on every dispatch: held in memory,
 * read again after a change on this node and at most {@link #FRESH} after a change on
 * another. Which windows a rollout uses is fixed when it is planned and kept for good.
 */
@Component
public class Windows {

	static final Duration FRESH = Duration.ofSeconds(2);

	private final WindowStore store;

	private final Clock clock;

	private final Map<Long, List<Long>> attached = new ConcurrentHashMap<>();

	private volatile Snapshot snapshot;

	Windows(WindowStore store, Clock clock) {
		this.store = store;
		this.clock = clock;
	}

	public List<MaintenanceWindow> all() {
		return snapshot().windows();
	}

	public Optional<MaintenanceWindow> named(String name) {
		return all().stream().filter(window -> window.name().equals(name)).findFirst();
	}

	/** The calendar of a planned rollout: its windows and every blackout. */
	public RolloutCalendar forRollout(long rolloutId) {
		List<Long> ids = this.attached.computeIfAbsent(rolloutId, this.store::attached);
		List<MaintenanceWindow> all = all();
		return new RolloutCalendar(all.stream().filter(window -> ids.contains(window.id())).toList(), blackouts(all));
	}

	/** The calendar a rollout would have with these windows. */
	public RolloutCalendar with(List<MaintenanceWindow> windows) {
		return new RolloutCalendar(windows, blackouts(all()));
	}

	/** Attaches windows to a rollout being planned. */
	public void attach(long rolloutId, List<MaintenanceWindow> windows) {
		this.store.attach(rolloutId, windows.stream().map(MaintenanceWindow::id).toList());
	}

	void changed() {
		this.snapshot = null;
	}

	private static List<MaintenanceWindow> blackouts(List<MaintenanceWindow> all) {
		return all.stream().filter(window -> window.kind() == WindowKind.BLACKOUT).toList();
	}

	private Snapshot snapshot() {
		Snapshot current = this.snapshot;
		Instant now = this.clock.instant();
		if (current == null || now.isAfter(current.readAt().plus(FRESH))) {
			current = new Snapshot(this.store.all(), now);
			this.snapshot = current;
		}
		return current;
	}

	private record Snapshot(List<MaintenanceWindow> windows, Instant readAt) {

	}

}
