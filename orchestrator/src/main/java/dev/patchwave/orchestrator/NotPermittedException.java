package dev.patchwave.orchestrator;

/**
 * The actor may not do this, whatever the state: approving a rollout they created, for
 * one. Names the field at fault.
 */
public class NotPermittedException extends RuntimeException {

	private final String field;

	public NotPermittedException(String field, String message) {
		super(message);
		this.field = field;
	}

	public String field() {
		return this.field;
	}

}
