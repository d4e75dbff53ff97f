package dev.patchwave.orchestrator.plan;

import dev.patchwave.common.target.Target;
import dev.patchwave.orchestrator.InvalidInputException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Places targets into waves. Each wave takes its size out of the targets not yet placed,
 * in name order, so the same fleet and strategy always give the same plan. Every target
 * must land in a wave, and every wave must get at least one: a plan that leaves hosts
 * exposed or a wave empty is refused, naming the wave.
 */
public final class WavePlanner {

	private WavePlanner() {
	}

	public static List<PlannedWave> plan(List<Target> targets, List<WaveSpec> specs) {
		List<Target> remaining = new ArrayList<>(targets);
		remaining.sort(Comparator.comparing(Target::name));
		List<PlannedWave> waves = new ArrayList<>();
		for (int position = 0; position < specs.size(); position++) {
			WaveSpec spec = specs.get(position);
			int take = spec.size().of(remaining.size());
			if (take == 0) {
				throw new InvalidInputException("waves[%d].size".formatted(position),
						"wave '%s' would get no target: the waves before it take all %d".formatted(spec.name(),
								targets.size()));
			}
			List<Target> placed = remaining.subList(0, take);
			waves.add(new PlannedWave(position, spec, placed));
			placed.clear();
		}
		if (!remaining.isEmpty()) {
			int last = specs.size() - 1;
			throw new InvalidInputException("waves[%d].size".formatted(last),
					"the waves place only %d of the %d selected targets; make the last wave \"100%%\" to take the rest"
						.formatted(targets.size() - remaining.size(), targets.size()));
		}
		return waves;
	}

}
