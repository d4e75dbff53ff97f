package dev.patchwave.common.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VersionTest {

	@Test
	void comparesNumberByNumberNotAsText() {
		assertThat(Version.parse("14.0.10000").isAtLeast(Version.parse("14.0.7190"))).isTrue();
		assertThat(Version.parse("14.0.6850").isAtLeast(Version.parse("14.0.7190"))).isFalse();
	}

	@Test
	void missingTrailingPartsCountAsZero() {
		assertThat(Version.parse("14.0")).isEqualTo(Version.parse("14.0.0")).hasSameHashCodeAs(Version.parse("14.0.0"));
	}

	@Test
	void rejectsTextThatIsNotAVersion() {
		assertThatThrownBy(() -> Version.parse("14.0-beta")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("14.0-beta");
	}

}
