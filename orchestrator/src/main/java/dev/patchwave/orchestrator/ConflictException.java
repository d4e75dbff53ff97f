package dev.patchwave.orchestrator;

/**
 * An action that the current state of a rollout does not allow, such as advancing a wave
 * still running.
 */
public class ConflictException extends RuntimeException {

	public ConflictException(String message) {
		super(message);
	}

}
