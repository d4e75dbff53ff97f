package dev.patchwave.web.dashboard;

import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.wave.WaveState;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.rollout.RolloutService;
import dev.patchwave.orchestrator.rollout.RolloutView;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What an operator can do to a rollout from the dashboard, in the order the buttons
 * appear.
 */
enum RolloutAction {

	START("Start"),

	RESUME("Resume"),

	ADVANCE("Advance to next wave"),

	PAUSE("Pause"),

	ROLLBACK("Roll back"),

	ABORT("Abort");

	/** The label a rollout's hosts carry when they serve production. */
	static final String PRODUCTION = "env=prod";

	private final String label;

	RolloutAction(String label) {
		this.label = label;
	}

	static RolloutAction of(String path) {
		return Arrays.stream(values())
			.filter(action -> action.path().equals(path))
			.findFirst()
			.orElseThrow(() -> new NotFoundException("action", path));
	}

	static List<RolloutAction> availableFor(RolloutView rollout) {
		return Arrays.stream(values()).filter(action -> action.isAvailableFor(rollout)).toList();
	}

	/**
	 * Asks the state machines rather than repeating their rules. Start and resume both
	 * lead to RUNNING, so whether the rollout ever ran tells them apart; a scheduled
	 * rollout starts by itself at its time.
	 */
	private boolean isAvailableFor(RolloutView rollout) {
		RolloutState state = rollout.state();
		return switch (this) {
			case START -> state == RolloutState.DRAFT && allows(state, RolloutState.RUNNING);
			case RESUME -> rollout.startedAt() != null && allows(state, RolloutState.RUNNING);
			case ADVANCE -> state.dispatches()
					&& rollout.waves().stream().anyMatch(wave -> wave.state() == WaveState.AWAITING_APPROVAL);
			case PAUSE -> allows(state, RolloutState.PAUSED);
			case ROLLBACK -> allows(state, RolloutState.ROLLING_BACK);
			case ABORT -> allows(state, RolloutState.ABORTED);
		};
	}

	void apply(RolloutService rollouts, long id, String actor) {
		switch (this) {
			case START -> rollouts.start(id, actor);
			case RESUME -> rollouts.resume(id, actor);
			case ADVANCE -> rollouts.advance(id, actor);
			case PAUSE -> rollouts.pause(id, actor);
			case ROLLBACK -> rollouts.rollback(id, actor);
			case ABORT -> rollouts.abort(id, actor);
		}
	}

	public String path() {
		return name().toLowerCase(Locale.ROOT);
	}

	public String label() {
		return this.label;
	}

	/**
	 * What happened, told from the rollout as the action left it: a start before the
	 * rollout's time only schedules it, and a rollback with nothing to take off is over
	 * at once.
	 */
	String done(RolloutView after, Display display) {
		RolloutState state = after.state();
		return switch (this) {
			case START -> state == RolloutState.SCHEDULED
					? "Rollout scheduled: it starts by itself " + display.words(after.notBefore()) : "Rollout started";
			case RESUME -> "Rollout resumed";
			case ADVANCE -> "Wave approved; the next wave may start";
			case PAUSE -> "Rollout paused: targets in flight finish, no new one is dispatched";
			case ROLLBACK -> state == RolloutState.ROLLED_BACK ? "Rolled back: nothing was left to take off"
					: "Rolling back: the patch comes off every target it was installed on";
			case ABORT -> "Rollout aborted";
		};
	}

	/**
	 * Whether what {@link #done} says holds only while the rollout stays in the state the
	 * action left it in: scheduled, paused, rolling back.
	 */
	boolean describesState() {
		return this == START || this == PAUSE || this == ROLLBACK;
	}

	/**
	 * The question asked before an action that cannot be undone or that touches
	 * production, saying what it does to exposure; null when the action just runs.
	 * {@code productionTargets} counts the rollout's hosts labelled {@value #PRODUCTION}.
	 */
	public String confirmation(RolloutView rollout, long productionTargets) {
		int patched = rollout.totals().succeeded() + rollout.totals().rebootPending();
		return switch (this) {
			case START -> productionTargets == 0 ? null
					: "Start patching %d hosts, %d of them in production, beginning with wave '%s'?"
						.formatted(rollout.totals().total(), productionTargets, rollout.waves().getFirst().name());
			case ROLLBACK -> "Roll back? The patch comes off the %d %s this rollout patched: %s exposed again."
				.formatted(patched, patched == 1 ? "host" : "hosts", patched == 1 ? "it is" : "they are");
			case ABORT ->
				"Abort this rollout for good? Targets in flight finish; the %d hosts it has not patched stay exposed."
					.formatted(rollout.totals().exposed());
			default -> null;
		};
	}

	/** Rolling back and aborting are drawn as dangerous. */
	public boolean isDangerous() {
		return this == ABORT || this == ROLLBACK;
	}

	private static boolean allows(RolloutState from, RolloutState to) {
		return RolloutState.transitions().isAllowed(from, to);
	}

}
