package dev.patchwave.connectors.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellTest {

	@TempDir
	Path home;

	@Test
	void posixWrapperRunsTheStepOnceVerifiesAfterASuccessAndAnswersTheSameOutcomeAgain() throws Exception {
		Path runs = this.home.resolve("runs");
		String command = Shell.POSIX.once(new OnceCall(OnceCall.Mode.RUN, Shell.markerName("rollout-1/web-1"), 5,
				"echo ran >> " + Shell.POSIX.quote(runs.toString()) + "; echo 'it said'; exit 3", "echo 2.0.0",
				Set.of(0, 3), 4096));

		OnceOutcome first = OnceOutcome.parse(run(command)).orElseThrow();
		OnceOutcome second = OnceOutcome.parse(run(command)).orElseThrow();

		assertThat(first)
			.isEqualTo(new OnceOutcome(OnceOutcome.State.FINISHED, OnceOutcome.How.RAN, 3, 0, "it said", "2.0.0"));
		assertThat(second)
			.isEqualTo(new OnceOutcome(OnceOutcome.State.FINISHED, OnceOutcome.How.BEFORE, 3, 0, "it said", "2.0.0"));
		assertThat(Files.readAllLines(runs)).containsExactly("ran");
	}

	@Test
	void posixWrapperSkipsTheVerifyAfterAFailureAndStatusOnlyReads() throws Exception {
		String marker = Shell.markerName("k-fail");
		OnceCall status = new OnceCall(OnceCall.Mode.STATUS, marker, 0, "", "echo 2.0.0", Set.of(0), 4096);

		OnceOutcome before = OnceOutcome.parse(run(Shell.POSIX.once(status))).orElseThrow();
		OnceOutcome failed = OnceOutcome
			.parse(run(Shell.POSIX
				.once(new OnceCall(OnceCall.Mode.RUN, marker, 5, "exit 1", "echo 2.0.0", Set.of(0), 4096))))
			.orElseThrow();
		OnceOutcome after = OnceOutcome.parse(run(Shell.POSIX.once(status))).orElseThrow();

		assertThat(before.state()).isEqualTo(OnceOutcome.State.NONE);
		assertThat(failed).isEqualTo(new OnceOutcome(OnceOutcome.State.FINISHED, OnceOutcome.How.RAN, 1, null, "", ""));
		assertThat(after).isEqualTo(new OnceOutcome(OnceOutcome.State.FINISHED, OnceOutcome.How.READ, 1, null, "", ""));
	}

	@Test
	void posixWrapperAnswersInterruptedForAClaimWhoseRunnerIsGoneWithoutAnExitCode() throws Exception {
		String marker = Shell.markerName("k-interrupted");
		Files.createDirectories(this.home.resolve(".patchwave"));
		// A claim as a runner leaves it, by a process that no longer exists.
		Files.createSymbolicLink(this.home.resolve(".patchwave").resolve(marker + ".pid"), Path.of(goneClaim()));

		assertRunAnswersInterruptedWithoutRunning(marker);
	}

	@Test
	void posixWrapperReadsTheClaimFileAnEarlierWrapperLeft() throws Exception {
		String marker = Shell.markerName("k-interrupted-file");
		Files.createDirectories(this.home.resolve(".patchwave"));
		// Wrappers before the claim became a symbolic link wrote it as a file.
		Files.writeString(this.home.resolve(".patchwave").resolve(marker + ".pid"), goneClaim() + "\n");

		assertRunAnswersInterruptedWithoutRunning(marker);
	}

	@Test
	void posixWrapperRunsTheStepOnceAndLeavesItsClaimAsALinkNamingTheRunner() throws Exception {
		String marker = Shell.markerName("k-claim");
		Path runs = this.home.resolve("claim-runs");
		OnceCall call = new OnceCall(OnceCall.Mode.RUN, marker, 5, "echo ran >> " + Shell.POSIX.quote(runs.toString()),
				"echo 2.0.0", Set.of(0), 4096);

		OnceOutcome first = OnceOutcome.parse(run(Shell.POSIX.once(call))).orElseThrow();
		OnceOutcome again = OnceOutcome.parse(run(Shell.POSIX.once(call))).orElseThrow();

		assertThat(first.how()).isEqualTo(OnceOutcome.How.RAN);
		assertThat(again.how()).isEqualTo(OnceOutcome.How.BEFORE);
		assertThat(again.verifyOutput()).contains("2.0.0");
		assertThat(Files.readAllLines(runs)).containsExactly("ran");
		Path claim = this.home.resolve(".patchwave").resolve(marker + ".pid");
		assertThat(Files.isSymbolicLink(claim)).isTrue();
		assertThat(Files.readSymbolicLink(claim).toString()).matches("[0-9]+ "
				+ Pattern.quote(Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip()) + " [0-9]+");
		try (var files = Files.list(this.home.resolve(".patchwave"))) {
			assertThat(files.map(file -> file.getFileName().toString()).filter(name -> name.startsWith(marker)))
				.containsExactlyInAnyOrder(marker + ".pid", marker + ".out", marker + ".exit", marker + ".verify",
						marker + ".result");
		}
	}

	@Test
	void posixWrapperTakesAnEmptyResultForOneNotWrittenAndVerifiesTheStepItsRunnerLeft() throws Exception {
		String marker = Shell.markerName("k-half-written");
		Path markers = Files.createDirectories(this.home.resolve(".patchwave"));
		Path runs = this.home.resolve("runs-half-written");
		// A runner killed after the step ended, while it wrote the result.
		Files.createSymbolicLink(markers.resolve(marker + ".pid"), Path.of(goneClaim()));
		Files.writeString(markers.resolve(marker + ".out"), "installed\n");
		Files.writeString(markers.resolve(marker + ".exit"), "0\n");
		Files.writeString(markers.resolve(marker + ".result"), "");

		OnceOutcome outcome = OnceOutcome
			.parse(run(Shell.POSIX.once(new OnceCall(OnceCall.Mode.RUN, marker, 5,
					"echo ran >> " + Shell.POSIX.quote(runs.toString()), "echo 2.0.0", Set.of(0), 4096))))
			.orElseThrow();

		assertThat(outcome)
			.isEqualTo(new OnceOutcome(OnceOutcome.State.FINISHED, OnceOutcome.How.BEFORE, 0, 0, "installed", "2.0.0"));
		assertThat(runs).doesNotExist();
		assertThat(Files.readString(markers.resolve(marker + ".result"))).isEqualTo("exit=0 verify=0\n");
	}

	/** A claim's text naming a process that no longer exists, on this boot. */
	private static String goneClaim() throws Exception {
		Process gone = new ProcessBuilder("true").start();
		gone.waitFor();
		return gone.pid() + " " + Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip() + " 1";
	}

	private void assertRunAnswersInterruptedWithoutRunning(String marker) throws Exception {
		Path runs = this.home.resolve("runs-" + marker);

		OnceOutcome outcome = OnceOutcome
			.parse(run(Shell.POSIX.once(new OnceCall(OnceCall.Mode.RUN, marker, 5,
					"echo ran >> " + Shell.POSIX.quote(runs.toString()), null, Set.of(0), 4096))))
			.orElseThrow();

		assertThat(outcome.state()).isEqualTo(OnceOutcome.State.INTERRUPTED);
		assertThat(runs).doesNotExist();
	}

	@Test
	void posixCommandExitsWithTheScriptsExitCode() throws Exception {
		assertThat(exitCode(Shell.POSIX.command("false; exit 42"))).isEqualTo(42);
	}

	@Test
	void markerIsNamedAfterTheKeyWhenThatMakesAPlainFileNameElseAfterItsDigest() {
		assertThat(Shell.markerName("r12-w3-web-1.attempt2")).isEqualTo("r12-w3-web-1.attempt2");
		assertThat(Shell.markerName("../etc/passwd")).matches("sha256-[0-9a-f]{64}");
		assertThat(Shell.markerName("../etc/passwd")).isNotEqualTo(Shell.markerName("../etc/shadow"));
	}

	@Test
	void powershellWrapperTravelsEncodedWithItsArgumentsAsQuotedVariables() {
		String command = Shell.POWERSHELL.once(new OnceCall(OnceCall.Mode.RUN, "k1", 60, "msiexec /i 'a b.msi' /qn",
				null, Set.of(0, 3010, 1641), 4096));

		assertThat(command).startsWith("powershell -NoProfile -NonInteractive -EncodedCommand ");
		String script = decode(command);
		assertThat(script).startsWith("$mode = 'run'; $name = 'k1'; $wait = 60; $step = 'powershell ")
			.contains("$ok = @(0,1641,3010); $tail = 4096", "[IO.File]::Move(\"$m.claim.$PID\", \"$m.pid\")",
					"Win32_Process -MethodName Create");
		String step = script.substring(script.indexOf("$step = '") + 9, script.indexOf("'; $verify"));
		assertThat(decode(step)).contains("msiexec /i 'a b.msi' /qn", "exit $LASTEXITCODE");
	}

	private String run(String command) throws Exception {
		ProcessBuilder builder = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true);
		builder.environment().put("HOME", this.home.toString());
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor()).as(output).isZero();
		return output;
	}

	private int exitCode(String command) throws Exception {
		ProcessBuilder builder = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true);
		Process process = builder.start();
		process.getInputStream().readAllBytes();
		return process.waitFor();
	}

	private static String decode(String command) {
		String encoded = command.substring(command.lastIndexOf(' ') + 1);
		return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_16LE);
	}

}
