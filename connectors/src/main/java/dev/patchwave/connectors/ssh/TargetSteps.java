package dev.patchwave.connectors.ssh;

import dev.patchwave.common.connector.CallStatus;
import dev.patchwave.common.connector.InstallRequest;
import dev.patchwave.common.connector.InstallResult;
import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.patch.Version;
import dev.patchwave.common.target.Target;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the ssh connector does on one target for one patch: install, roll back, read a
 * key's status, read the installed version. Each builds its commands from the patch's
 * steps, sends them through {@link TargetCalls} and reads the answer with
 * {@link StepResults}.
 */
final class TargetSteps {

	private static final Logger logger = LoggerFactory.getLogger(TargetSteps.class);

	/** Rollbacks keep their own markers: a rollback's key may equal its install's. */
	static final String ROLLBACK_MARKER_PREFIX = "rollback-";

	private final SshSettings settings;

	private final PatchCommands patchCommands;

	private final TargetCalls calls;

	private final StepResults results;

	TargetSteps(SshSettings settings, PatchCommands patchCommands, TargetCalls calls, StepResults results) {
		this.settings = settings;
		this.patchCommands = patchCommands;
		this.calls = calls;
		this.results = results;
	}

	InstallResult install(InstallRequest request) throws InterruptedException {
		PatchSteps steps = this.patchCommands.steps(request.patch());
		if (steps.install() == null) {
			return new InstallResult(ResultCause.FATAL_TARGET_ERROR, null,
					PatchSteps.missing("install", request.patch()), null);
		}
		logger.info("Installing {} on {} (key {})", request.patch().id(), request.target().name(),
				request.idempotencyKey());
		OnceOutcome outcome = once(request, request.idempotencyKey(), steps.install(), steps);
		return this.results.install(outcome, steps, request);
	}

	InstallResult rollback(InstallRequest request) throws InterruptedException {
		PatchSteps steps = this.patchCommands.steps(request.patch());
		if (steps.rollback() == null) {
			return new InstallResult(ResultCause.FATAL_TARGET_ERROR, null,
					PatchSteps.missing("rollback", request.patch()), null);
		}
		logger.info("Rolling back {} on {} (key {})", request.patch().id(), request.target().name(),
				request.idempotencyKey());
		OnceOutcome outcome = once(request, ROLLBACK_MARKER_PREFIX + request.idempotencyKey(), steps.rollback(), steps);
		return this.results.rollback(outcome, steps, request.idempotencyKey());
	}

	/**
	 * Reads the key's marker in one exec; a finished or interrupted install is read as
	 * {@link #install} would have answered it.
	 */
	CallStatus status(InstallRequest request) throws InterruptedException {
		PatchSteps steps = this.patchCommands.steps(request.patch());
		Target target = request.target();
		String verify = (steps.verify() != null)
				? this.patchCommands.render(steps.verify(), target, request.patch(), request.idempotencyKey()) : null;
		String command = this.settings.shell()
			.once(new OnceCall(OnceCall.Mode.STATUS, Shell.markerName(request.idempotencyKey()), 0, "", verify,
					steps.successCodes(), this.settings.outputTailBytes()));
		OnceOutcome outcome = this.calls.readMarker(target, command);
		logger.debug("Key {} on {} is {}", request.idempotencyKey(), target.name(), outcome.state());
		return switch (outcome.state()) {
			case NONE -> CallStatus.neverSeen();
			case RUNNING -> CallStatus.running();
			case FINISHED, INTERRUPTED -> CallStatus.finished(this.results.install(outcome, steps, request));
		};
	}

	/** Runs the verify command and reads the version from the last line it printed. */
	Version installedVersion(Target target, Patch patch) throws InterruptedException {
		PatchSteps steps = this.patchCommands.steps(patch);
		if (steps.verify() == null) {
			throw new SshFailure(ResultCause.FATAL_TARGET_ERROR, PatchSteps.missing("verify", patch));
		}
		// Reading a version belongs to no install, so there is no key to give the
		// command.
		CommandResult ran = this.calls.run(target, () -> this.patchCommands.render(steps.verify(), target, patch, ""));
		if (ran.exitCode() != 0) {
			throw new SshFailure(ResultCause.FATAL_TARGET_ERROR,
					ran.withOutput("the verify command failed with exit code " + ran.exitCode()));
		}
		List<String> lines = ran.stdout().strip().lines().toList();
		return this.results.version(lines.isEmpty() ? "" : lines.getLast().strip());
	}

	/**
	 * Renders the step and the verify command for the target and runs them through the
	 * exactly-once wrapper under the marker of {@code markerKey}.
	 */
	private OnceOutcome once(InstallRequest request, String markerKey, CommandTemplate step, PatchSteps steps)
			throws InterruptedException {
		Target target = request.target();
		HostPort host = this.calls.host(target);
		String stepText = this.patchCommands.render(step, target, request.patch(), request.idempotencyKey());
		String verifyText = (steps.verify() != null)
				? this.patchCommands.render(steps.verify(), target, request.patch(), request.idempotencyKey()) : null;
		String marker = Shell.markerName(markerKey);
		TargetCalls.Wrapper call = (mode, waitSeconds) -> this.settings.shell()
			.once(new OnceCall(mode, marker, waitSeconds, stepText, verifyText, steps.successCodes(),
					this.settings.outputTailBytes()));
		return this.calls.once(host, markerKey, call);
	}

}
