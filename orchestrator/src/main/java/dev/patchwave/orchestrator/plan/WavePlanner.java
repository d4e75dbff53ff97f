package dev.patchwave.orchestrator.plan;

import dev.patchwave.common.target.Target;
import dev.patchwave.orchestrator.InvalidInputException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Places targets into waves. Only targets that need the patch are placed; those at the
 * fixed version already are set apart and never count toward a wave's size. Each wave
 * takes its size out of the targets not yet placed (those matching its selector, if it
 * has one), in name order, or round-robin over a label's values when it spreads, so the
 * same fleet and strategy always give the same plan. Every target must land in a wave,
 * and every wave must get at least one: a plan that leaves hosts exposed or a wave empty
 * is refused, naming the wave.
 */
public final class WavePlanner {

	private WavePlanner() {
	}

	public static Plan plan(List<Target> targets, List<WaveSpec> specs, Predicate<Target> needsPatch) {
		List<Target> remaining = new ArrayList<>(targets.stream().filter(needsPatch).toList());
		List<Target> patched = targets.stream().filter(needsPatch.negate()).sorted(byName()).toList();
		if (remaining.isEmpty()) {
			throw new InvalidInputException("selector",
					"all %d selected targets run the fixed version already".formatted(targets.size()));
		}
		remaining.sort(byName());
		int needing = remaining.size();
		List<PlannedWave> waves = new ArrayList<>();
		for (int position = 0; position < specs.size(); position++) {
			WaveSpec spec = specs.get(position);
			String at = "waves[%d]".formatted(position);
			if (spec.spreadBy() != null
					&& targets.stream().noneMatch(target -> target.labels().containsKey(spec.spreadBy()))) {
				throw new InvalidInputException(at + ".spreadBy",
						"no selected target has the label '%s'".formatted(spec.spreadBy()));
			}
			List<Target> candidates = spec.selector() == null ? remaining
					: remaining.stream().filter(target -> spec.selector().matches(target.labels())).toList();
			int take = spec.size().of(candidates.size());
			if (take == 0) {
				throw new InvalidInputException(spec.selector() == null ? at + ".size" : at + ".selector",
						spec.selector() == null
								? "wave '%s' would get no target: the waves before it take all %d"
									.formatted(spec.name(), needing)
								: "wave '%s' would get no target: none of the %d targets left matches '%s'"
									.formatted(spec.name(), remaining.size(), spec.selector()));
			}
			List<Target> placed = List
				.copyOf((spec.spreadBy() == null ? candidates : spread(candidates, spec.spreadBy())).subList(0, take));
			waves.add(new PlannedWave(position, spec, placed));
			Set<Long> placedIds = placed.stream().map(Target::id).collect(Collectors.toSet());
			remaining.removeIf(target -> placedIds.contains(target.id()));
		}
		if (!remaining.isEmpty()) {
			int last = specs.size() - 1;
			throw new InvalidInputException("waves[%d].size".formatted(last),
					"the waves place only %d of the %d selected targets that need the patch; make the last wave \"100%%\" to take the rest"
						.formatted(needing - remaining.size(), needing));
		}
		return new Plan(waves, patched);
	}

	/**
	 * The targets taken in turn from each value of the label (values in order, targets by
	 * name within each; those without the label last), so the first few cover every
	 * value.
	 */
	static List<Target> spread(List<Target> targets, String label) {
		Map<String, List<Target>> groups = new TreeMap<>(Comparator.nullsLast(Comparator.naturalOrder()));
		targets.forEach(
				target -> groups.computeIfAbsent(target.labels().get(label), value -> new ArrayList<>()).add(target));
		List<Iterator<Target>> turns = groups.values().stream().map(List::iterator).toList();
		List<Target> order = new ArrayList<>(targets.size());
		while (order.size() < targets.size()) {
			turns.stream().filter(Iterator::hasNext).forEach(group -> order.add(group.next()));
		}
		return order;
	}

	private static Comparator<Target> byName() {
		return Comparator.comparing(Target::name);
	}

}
