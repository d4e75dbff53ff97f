package dev.patchwave.common.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LabelSelectorTest {

	private static final Map<String, String> PROD_APEX = Map.of("app", "apex-central", "env", "prod", "site", "fra1");

	@Test
	void everyRequirementMustHold() {
		assertThat(LabelSelector.parse("app=apex-central,env=prod").matches(PROD_APEX)).isTrue();
		assertThat(LabelSelector.parse("app=apex-central,env=staging").matches(PROD_APEX)).isFalse();
	}

	@Test
	void supportsInequalityPresenceAndAbsence() {
		assertThat(LabelSelector.parse("site!=ams1, app").matches(PROD_APEX)).isTrue();
		assertThat(LabelSelector.parse("!simulate").matches(PROD_APEX)).isTrue();
		assertThat(LabelSelector.parse("simulate").matches(PROD_APEX)).isFalse();
		assertThat(LabelSelector.parse("env==prod").matches(PROD_APEX)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "app=apex central", "app=x,,env=prod", "!app=x", "=prod" })
	void rejectsMalformedSelectors(String text) {
		assertThatThrownBy(() -> LabelSelector.parse(text)).isInstanceOf(IllegalArgumentException.class);
	}

}
