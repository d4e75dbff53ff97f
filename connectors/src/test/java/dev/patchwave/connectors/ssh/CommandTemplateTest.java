package dev.patchwave.connectors.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.patch.Version;
import dev.patchwave.common.target.Target;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandTemplateTest {

	private static final Patch PATCH = new Patch("KB1", "Acme", "Widget", "Widget 2", "linux", Version.parse("2.0"),
			LocalDate.of(2025, 1, 1), List.of());

	@ParameterizedTest
	@ValueSource(strings = { "x'; touch /tmp/pwned; '", "$(touch /tmp/pwned)", "`id`", "a\"b\\c", "tab\there",
			"new\nline", "'", "''", "$HOME", "*", "-n", "", "ünïcødé 'quoted' ‘typographic’" })
	void posixQuotingKeepsAnyValueOneLiteralWord(String value) throws Exception {
		String command = CommandTemplate.parse("printf '[%s]' {{label.value}}")
			.render(Map.of("label.value", value), Shell.POSIX);

		Process sh = new ProcessBuilder("sh", "-c", command).start();
		String printed = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

		assertThat(sh.waitFor()).isZero();
		assertThat(printed).isEqualTo("[" + value + "]");
	}

	@Test
	void powershellQuotingDoublesEverySingleQuoteItRecognises() {
		String command = CommandTemplate.parse("Write-Output {{label.value}}")
			.render(Map.of("label.value", "it's ‘a’ $(danger)"), Shell.POWERSHELL);

		assertThat(command).isEqualTo("Write-Output 'it''s ‘‘a’’ $(danger)'");
	}

	@Test
	void substitutesEveryVariableOfTheTargetAndPatch() {
		Target target = new Target(7, "web-1", "10.0.0.1:2222", Map.of("site", "ams"), "fleet", null);

		String command = CommandTemplate
			.parse("i {{target.name}} {{ target.address }} {{label.site}} {{patch.id}} "
					+ "{{patch.fixedVersion}} {{key}}")
			.render(CommandTemplate.variables(target, PATCH, "k-1"), Shell.POSIX);

		assertThat(command).isEqualTo("i 'web-1' '10.0.0.1:2222' 'ams' 'KB1' '2.0' 'k-1'");
	}

	@Test
	void unknownVariableIsRefusedNamingItAndTheKnownOnes() {
		assertThatIllegalArgumentException().isThrownBy(() -> CommandTemplate.parse("run {{target.host}}"))
			.withMessage("unknown variable '{{target.host}}'; known variables: target.name, target.address, "
					+ "patch.id, patch.fixedVersion, key, label.<key>");
		assertThatIllegalArgumentException().isThrownBy(() -> CommandTemplate.parse("run {{label.}}"))
			.withMessageStartingWith("unknown variable '{{label.}}'");
	}

	@Test
	void labelTheTargetLacksFailsTheRenderingNamingIt() {
		CommandTemplate template = CommandTemplate.parse("install --ring {{label.ring}}");

		assertThatIllegalArgumentException().isThrownBy(() -> template.render(Map.of(), Shell.POSIX))
			.withMessage("the target has no label 'ring', which the command uses");
	}

}
