package dev.patchwave.orchestrator.plan;

import dev.patchwave.common.target.Target;
import java.util.List;

/** A wave with its targets placed: the list is frozen when the rollout is created. */
public record PlannedWave(int position, WaveSpec spec, List<Target> targets) {

	public PlannedWave {
		targets = List.copyOf(targets);
	}

}
