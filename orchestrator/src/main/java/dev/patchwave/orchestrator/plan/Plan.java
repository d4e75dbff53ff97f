package dev.patchwave.orchestrator.plan;

import dev.patchwave.common.target.Target;
import java.util.ArrayList;
import java.util.List;

/**
 * The waves with the targets that need the patch, and apart from them the targets that
 * run the fixed version already.
 */
public record Plan(List<PlannedWave> waves, List<Target> alreadyPatched) {

	public Plan {
		waves = List.copyOf(waves);
		alreadyPatched = List.copyOf(alreadyPatched);
	}

	public int needing() {
		return this.waves.stream().mapToInt(wave -> wave.targets().size()).sum();
	}

	/**
	 * The waves as stored: the already patched targets ride along in the first wave,
	 * where the engine marks them skipped without taking a slot, so they are counted and
	 * shown but never size a wave.
	 */
	public List<PlannedWave> withSkippedInFirstWave() {
		List<PlannedWave> stored = new ArrayList<>(this.waves);
		PlannedWave first = stored.get(0);
		List<Target> targets = new ArrayList<>(first.targets());
		targets.addAll(this.alreadyPatched);
		stored.set(0, new PlannedWave(first.position(), first.spec(), targets));
		return stored;
	}

}
