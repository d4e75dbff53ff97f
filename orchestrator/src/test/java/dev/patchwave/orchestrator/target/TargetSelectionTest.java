package dev.patchwave.orchestrator.target;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwave.common.target.LabelSelector;
import dev.patchwave.common.target.Target;
import dev.patchwave.orchestrator.Page;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.testsupport.Fleet;
import dev.patchwave.orchestrator.testsupport.PostgresTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Label selectors run in the database: they select exactly what
 * {@link LabelSelector#matches} accepts, and the target list pages through the matches in
 * the database.
 */
@SpringBootTest
@PostgresTest
class TargetSelectionTest {

	private static final List<String> KEYS = List.of("a", "b", "c", "d.e/f");

	private static final List<String> VALUES = List.of("x", "y", "0", "x-1");

	@Autowired
	TargetService targets;

	@Autowired
	TargetRepository repository;

	@Autowired
	ConnectorInstances connectors;

	@Test
	void theDatabaseSelectsExactlyWhatTheSelectorMatchesForManyGeneratedSelectors() {
		Random random = new Random(100_000L);
		Fleet fleet = new Fleet(this.connectors, this.targets).withConnector("scripted", Map.of())
			.withTargets(300, i -> randomLabels(random));
		List<Target> mine = this.repository.matching(LabelSelector.parse(fleet.selector()));
		assertThat(mine).hasSize(300);

		int nonEmpty = 0;
		for (int i = 0; i < 1_000; i++) {
			// the fleet's own requirement keeps other tests' targets out of the
			// comparison
			LabelSelector selector = LabelSelector.parse(randomSelector(random) + ", " + fleet.selector());
			List<String> expected = mine.stream()
				.filter(target -> selector.matches(target.labels()))
				.map(Target::name)
				.toList();

			assertThat(this.repository.matching(selector)).as("%s", selector)
				.extracting(Target::name)
				.containsExactlyElementsOf(expected);
			nonEmpty += expected.isEmpty() ? 0 : 1;
		}
		// selecting nothing every time would prove nothing
		assertThat(nonEmpty).isBetween(200, 950);
	}

	@Test
	void theTargetListPagesThroughTheMatchesByNameWithTheirCount() {
		Fleet fleet = new Fleet(this.connectors, this.targets).withConnector("scripted", Map.of())
			.withTargets(130, i -> i % 2 == 0 ? Map.of("env", "prod") : Map.of("env", "staging"));
		String selector = fleet.selector() + ",env=prod";
		List<String> expected = IntStream.range(0, 130).filter(i -> i % 2 == 0).mapToObj(fleet::name).toList();

		List<String> paged = new ArrayList<>();
		for (int page = 0; page < 3; page++) {
			Page<Target> one = this.targets.list(selector, page, 25);
			assertThat(one.total()).isEqualTo(65);
			assertThat(one.items()).allSatisfy(target -> assertThat(target.labels()).containsEntry("env", "prod"));
			one.items().forEach(target -> paged.add(target.name()));
		}
		Page<Target> beyond = this.targets.list(selector, 3, 25);

		assertThat(paged).containsExactlyElementsOf(expected);
		assertThat(this.targets.list(selector, 2, 25).items()).hasSize(15);
		assertThat(beyond.items()).isEmpty();
		assertThat(beyond.total()).isEqualTo(65);
	}

	@Test
	void replacingATargetReplacesTheLabelsItIsSelectedBy() {
		Fleet fleet = new Fleet(this.connectors, this.targets).withConnector("scripted", Map.of())
			.withTargets(2, i -> Map.of("tier", "gold"));

		fleet.withTargets(1, i -> Map.of("site", "fra1"));

		assertThat(this.repository.matching(LabelSelector.parse(fleet.selector() + ",tier=gold")))
			.extracting(Target::name)
			.containsExactly(fleet.name(1));
		assertThat(this.repository.matching(LabelSelector.parse(fleet.selector() + ",site"))).extracting(Target::name)
			.containsExactly(fleet.name(0));
	}

	private static Map<String, String> randomLabels(Random random) {
		Map<String, String> labels = new HashMap<>();
		for (String key : KEYS) {
			if (random.nextInt(10) < 6) {
				labels.put(key, pick(random, VALUES));
			}
		}
		return labels;
	}

	/**
	 * One to four requirements of every form the grammar has, spaced as clients may space
	 * them; values include one no label has, the empty one.
	 */
	private static String randomSelector(Random random) {
		List<String> requirements = new ArrayList<>();
		for (int i = random.nextInt(4); i >= 0; i--) {
			String key = pick(random, KEYS);
			String value = random.nextInt(8) == 0 ? "" : pick(random, VALUES);
			requirements.add(switch (random.nextInt(5)) {
				case 0 -> key + "=" + value;
				case 1 -> " " + key + " == " + value;
				case 2 -> key + "!=" + value;
				case 3 -> key;
				default -> "! " + key;
			});
		}
		return String.join(",", requirements);
	}

	private static String pick(Random random, List<String> from) {
		return from.get(random.nextInt(from.size()));
	}

}
