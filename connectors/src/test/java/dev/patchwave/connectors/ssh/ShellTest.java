package dev.patchwave.connectors.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellTest {

	@TempDir
	Path home;

	@Test
	void posixWrapperRunsTheScriptOnceAndAnswersItsExitCodeAgain() throws Exception {
		Path runs = this.home.resolve("runs");
		String command = Shell.POSIX.idempotent("echo ran >> " + Shell.POSIX.quote(runs.toString()) + "; exit 3",
				"rollout-1/web-1");

		int first = run(command);
		int second = run(command);

		assertThat(first).isEqualTo(3);
		assertThat(second).isEqualTo(3);
		assertThat(Files.readAllLines(runs)).containsExactly("ran");
		assertThat(this.home.resolve(".patchwave").resolve(Shell.markerName("rollout-1/web-1"))).hasContent("3");
	}

	@Test
	void posixCommandExitsWithTheScriptsExitCode() throws Exception {
		assertThat(run(Shell.POSIX.command("false; exit 42"))).isEqualTo(42);
	}

	@Test
	void markerIsNamedAfterTheKeyWhenThatMakesAPlainFileNameElseAfterItsDigest() {
		assertThat(Shell.markerName("r12-w3-web-1.attempt2")).isEqualTo("r12-w3-web-1.attempt2.exit");
		assertThat(Shell.markerName("../etc/passwd")).matches("sha256-[0-9a-f]{64}\\.exit");
		assertThat(Shell.markerName("../etc/passwd")).isNotEqualTo(Shell.markerName("../etc/shadow"));
	}

	@Test
	void powershellScriptsTravelEncodedSoNoShellOnTheWayReinterpretsThem() {
		String command = Shell.POWERSHELL.idempotent("msiexec /i 'a b.msi' /qn", "k1");

		assertThat(command).startsWith("powershell -NoProfile -NonInteractive -EncodedCommand ");
		String outer = decode(command);
		assertThat(outer).contains("Join-Path 'Patchwave' 'k1.exit'", "Test-Path -LiteralPath $m", "exit $c");
		assertThat(decode(outer.lines().filter(line -> line.startsWith("powershell ")).findFirst().orElseThrow()))
			.contains("msiexec /i 'a b.msi' /qn", "exit $LASTEXITCODE");
	}

	private int run(String command) throws Exception {
		ProcessBuilder builder = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true);
		builder.environment().put("HOME", this.home.toString());
		Process process = builder.start();
		process.getInputStream().readAllBytes();
		return process.waitFor();
	}

	private static String decode(String command) {
		String encoded = command.substring(command.lastIndexOf(' ') + 1);
		return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_16LE);
	}

}
