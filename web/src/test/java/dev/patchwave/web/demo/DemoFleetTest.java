package dev.patchwave.web.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwave.common.patch.Version;
import dev.patchwave.orchestrator.target.TargetSpec;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class DemoFleetTest {

	private static final Version FIXED = Version.parse("14.0.7190");

	private final List<TargetSpec> fleet = DemoSeeder.fleet(1000);

	@Test
	void aboutSixtyServersRunApexCentralBelowTheFixedBuild() {
		List<TargetSpec> apex = select(target -> "apex-central".equals(target.labels().get("app")));
		long vulnerable = apex.stream()
			.filter(target -> !Version.parse(target.installedVersion()).isAtLeast(FIXED))
			.count();

		assertThat(vulnerable).isBetween(55L, 65L);
		assertThat(apex).hasSizeGreaterThan((int) vulnerable);
	}

	@Test
	void spreadsAcrossThreeSitesBothEnvironmentsAndTiers() {
		assertThat(this.fleet).hasSize(1000)
			.extracting(target -> target.labels().get("site"))
			.containsOnly("fra1", "ams1", "iad1");
		assertThat(this.fleet).extracting(target -> target.labels().get("env")).contains("prod", "staging");
		assertThat(this.fleet).extracting(target -> target.labels().get("tier"))
			.contains("critical", "standard", "low");
		assertThat(this.fleet).extracting(TargetSpec::name).doesNotHaveDuplicates();
	}

	@Test
	void exactlyTwoStagingServersAlwaysFail() {
		assertThat(select(target -> "fail".equals(target.labels().get("simulate")))).hasSize(2)
			.allSatisfy(target -> assertThat(target.labels()).containsEntry("env", "staging"));
	}

	@Test
	void isTheSameFleetOnEveryFirstStart() {
		assertThat(DemoSeeder.fleet(1000)).isEqualTo(this.fleet);
	}

	private List<TargetSpec> select(Predicate<TargetSpec> predicate) {
		return this.fleet.stream().filter(predicate).toList();
	}

}
