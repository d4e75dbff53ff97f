package dev.patchwave.orchestrator.window;

import dev.patchwave.common.target.LabelSelector;
import dev.patchwave.orchestrator.ConflictException;
import dev.patchwave.orchestrator.InputLimits;
import dev.patchwave.orchestrator.InvalidInputException;
import dev.patchwave.orchestrator.InvalidInputException.FieldProblem;
import dev.patchwave.orchestrator.NotFoundException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/**
 * Maintenance windows and blackouts: written by change managers, read by everyone, and
 * attached to rollouts by name. Bad input is refused naming each field, before anything
 * is written.
 */
@Service
public class WindowService {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

	private final WindowStore store;

	private final Windows windows;

	private final Clock clock;

	WindowService(WindowStore store, Windows windows, Clock clock) {
		this.store = store;
		this.windows = windows;
		this.clock = clock;
	}

	public List<WindowView> list() {
		Instant now = this.clock.instant();
		return this.store.all().stream().map(window -> WindowView.of(window, now)).toList();
	}

	public WindowView get(String name) {
		return WindowView.of(existing(name), this.clock.instant());
	}

	public WindowView create(WindowRequest request, String actor) {
		MaintenanceWindow window = validate(0, request, request == null ? null : request.name());
		if (this.store.find(window.name()).isPresent()) {
			throw new ConflictException(
					"a window named '%s' exists already; change it with PUT".formatted(window.name()));
		}
		this.store.insert(window, actor, this.clock.instant());
		this.windows.changed();
		return get(window.name());
	}

	/** Changes a window; its name and kind stay. */
	public WindowView update(String name, WindowRequest request, String actor) {
		MaintenanceWindow current = existing(name);
		if (request != null && request.name() != null && !request.name().equals(name)) {
			throw new InvalidInputException("name",
					"a window keeps its name; '%s' is not '%s'".formatted(request.name(), name));
		}
		if (request != null && request.kind() != null && request.kind() != current.kind()) {
			throw new InvalidInputException("kind",
					"a %s stays one; delete it and create a %s instead".formatted(current.kind(), request.kind()));
		}
		MaintenanceWindow changed = validate(current.id(),
				request == null ? null : new WindowRequest(name, current.kind(), request.cron(), request.startsAt(),
						request.duration(), request.timeZone(), request.selector()),
				name);
		this.store.update(changed, actor, this.clock.instant());
		this.windows.changed();
		return get(name);
	}

	/** Deletes a window no unfinished rollout uses. */
	public void delete(String name) {
		MaintenanceWindow window = existing(name);
		List<String> users = this.store.activeUsers(window.id());
		if (!users.isEmpty()) {
			throw new ConflictException("window '%s' is used by %s".formatted(name, String.join(", ", users)));
		}
		this.store.delete(window.id());
		this.windows.changed();
	}

	/**
	 * The windows a rollout asks for by name; unknown names, blackouts and repeats are
	 * added to {@code problems}, each naming its place in the list.
	 */
	public List<MaintenanceWindow> resolve(List<String> names, List<FieldProblem> problems) {
		if (names == null || names.isEmpty()) {
			return List.of();
		}
		if (names.size() > InputLimits.WINDOWS_PER_ROLLOUT) {
			problems.add(new FieldProblem("windows",
					"at most %d windows, got %d".formatted(InputLimits.WINDOWS_PER_ROLLOUT, names.size())));
			return List.of();
		}
		List<MaintenanceWindow> found = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		List<MaintenanceWindow> all = this.store.all();
		for (int i = 0; i < names.size(); i++) {
			String name = names.get(i);
			String at = "windows[%d]".formatted(i);
			Optional<MaintenanceWindow> window = all.stream().filter(w -> w.name().equals(name)).findFirst();
			if (window.isEmpty()) {
				problems.add(new FieldProblem(at,
						"no window named '%s'; known: %s".formatted(name,
								all.stream()
									.filter(w -> w.kind() == WindowKind.WINDOW)
									.map(MaintenanceWindow::name)
									.toList())));
			}
			else if (window.get().kind() == WindowKind.BLACKOUT) {
				problems.add(new FieldProblem(at,
						"'%s' is a blackout; blackouts hold for every rollout without being attached".formatted(name)));
			}
			else if (!seen.add(name)) {
				problems.add(new FieldProblem(at, "'%s' is named twice".formatted(name)));
			}
			else {
				found.add(window.get());
			}
		}
		return found;
	}

	private MaintenanceWindow existing(String name) {
		return this.store.find(name).orElseThrow(() -> new NotFoundException("window", name));
	}

	private MaintenanceWindow validate(long id, WindowRequest request, String name) {
		if (request == null) {
			throw new InvalidInputException("$", "a window object is required");
		}
		List<FieldProblem> problems = new ArrayList<>();
		Optional<String> badName = InputLimits.requiredLine(name, InputLimits.WINDOW_NAME);
		badName.ifPresent(reason -> problems.add(new FieldProblem("name", reason)));
		if (badName.isEmpty() && !NAME.matcher(name).matches()) {
			problems.add(new FieldProblem("name",
					"letters, digits, '.', '_' and '-' only, starting with a letter or digit"));
		}
		ZoneId zone = ZoneOffset.UTC;
		if (request.timeZone() != null) {
			try {
				if (request.timeZone().length() > InputLimits.TIME_ZONE) {
					throw new DateTimeException("too long");
				}
				zone = ZoneId.of(request.timeZone());
			}
			catch (DateTimeException ex) {
				problems.add(new FieldProblem("timeZone",
						"unknown time zone '%s'; use a region like \"Europe/Berlin\" or \"UTC\""
							.formatted(request.timeZone())));
			}
		}
		Duration duration = request.duration();
		if (duration == null || duration.isZero() || duration.isNegative()) {
			problems.add(new FieldProblem("duration", "must be positive, like \"PT4H\""));
		}
		else if (duration.getNano() != 0 || duration.compareTo(InputLimits.MAX_WINDOW) > 0) {
			problems.add(new FieldProblem("duration", "whole seconds up to P366D"));
		}
		Instant now = this.clock.instant();
		if (request.cron() == null && request.startsAt() == null) {
			problems.add(new FieldProblem("cron", "either cron (each opening) or startsAt (one opening) is required"));
		}
		else if (request.cron() != null && request.startsAt() != null) {
			problems.add(new FieldProblem("startsAt", "give either cron or startsAt, not both"));
		}
		else if (request.cron() != null) {
			try {
				if (request.cron().length() > InputLimits.CRON) {
					throw new IllegalArgumentException("at most %d characters".formatted(InputLimits.CRON));
				}
				if (MaintenanceWindow.parse(request.cron(), zone).getNextValidTimeAfter(Date.from(now)) == null) {
					throw new IllegalArgumentException("'%s' never fires after now".formatted(request.cron()));
				}
			}
			catch (IllegalArgumentException ex) {
				problems.add(new FieldProblem("cron", ex.getMessage()));
			}
		}
		else if (duration != null && !request.startsAt().plus(duration).isAfter(now)) {
			problems.add(new FieldProblem("startsAt", "the opening would be over already"));
		}
		LabelSelector selector = null;
		if (request.selector() != null) {
			try {
				selector = LabelSelector.parse(request.selector());
			}
			catch (IllegalArgumentException ex) {
				problems.add(new FieldProblem("selector", ex.getMessage()));
			}
		}
		if (!problems.isEmpty()) {
			throw new InvalidInputException(problems);
		}
		return new MaintenanceWindow(id, name, request.kind() == null ? WindowKind.WINDOW : request.kind(),
				request.cron(), request.startsAt(), duration, zone, selector);
	}

}
