package dev.patchwave.web.dashboard;

import dev.patchwave.orchestrator.event.RolloutEvent;
import dev.patchwave.orchestrator.rollout.DeploymentView;
import dev.patchwave.orchestrator.rollout.RolloutView;
import java.util.List;

/**
 * Everything the live part of a rollout page shows: the rollout with its waves, the
 * failed targets (the first of them, with how many there are), the latest events newest
 * first, and the actions this user may take now.
 */
record RolloutPanel(RolloutView rollout, List<DeploymentView> failed, long failedTotal, List<RolloutEvent> events,
		List<RolloutAction> actions) {

	RolloutPanel {
		failed = List.copyOf(failed);
		events = List.copyOf(events);
		actions = List.copyOf(actions);
	}

}
