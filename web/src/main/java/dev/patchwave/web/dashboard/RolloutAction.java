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

	START("Start", "Rollout started"),

	RESUME("Resume", "Rollout resumed"),

	ADVANCE("Advance to next wave", "Wave approved; the next wave may start"),

	PAUSE("Pause", "Rollout paused: targets in flight finish, no new one is dispatched"),

	ROLLBACK("Roll back", "Rolling back: the patch comes off every target it was installed on"),

	ABORT("Abort", "Rollout aborted");

	private final String label;

	private final String done;

	RolloutAction(String label, String done) {
		this.label = label;
		this.done = done;
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

	String done() {
		return this.done;
	}

	/** Aborting and rolling back cannot be undone, so they ask first. */
	public boolean needsConfirmation() {
		return this == ABORT || this == ROLLBACK;
	}

	private static boolean allows(RolloutState from, RolloutState to) {
		return RolloutState.transitions().isAllowed(from, to);
	}

}
