package dev.patchwave.orchestrator;

/** A rollout, target, patch or connector that does not exist. */
public class NotFoundException extends RuntimeException {

	public NotFoundException(String kind, Object id) {
		super("%s '%s' does not exist".formatted(kind, id));
	}

}
