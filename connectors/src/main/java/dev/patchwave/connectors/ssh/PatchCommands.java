package dev.patchwave.connectors.ssh;

import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.target.Target;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Each patch's ssh steps, parsed once, and rendered into the command text for one target.
 * A catalog step that cannot be used is remembered, so that the connector's test can
 * report it without waiting for the next install to fail on it.
 */
final class PatchCommands {

	private final SshSettings settings;

	/**
	 * Each patch's steps, parsed once: patches are records, so an edited one is parsed
	 * anew.
	 */
	private final ConcurrentMap<Patch, PatchSteps> stepsByPatch = new ConcurrentHashMap<>();

	/** Catalog steps found unusable, by patch. */
	private final ConcurrentMap<String, String> catalogProblems = new ConcurrentHashMap<>();

	PatchCommands(SshSettings settings) {
		this.settings = settings;
	}

	/**
	 * The patch's steps; a catalog step naming an unknown variable fails, and is kept for
	 * {@link #catalogProblems()}.
	 */
	PatchSteps steps(Patch patch) {
		try {
			return this.stepsByPatch.computeIfAbsent(patch, key -> PatchSteps.of(key, this.settings));
		}
		catch (IllegalArgumentException ex) {
			this.catalogProblems.put(patch.id(), ex.getMessage());
			throw new SshFailure(ResultCause.FATAL_TARGET_ERROR, ex.getMessage());
		}
	}

	/** Why the catalog steps seen so far cannot be used, one message a patch. */
	Collection<String> catalogProblems() {
		return this.catalogProblems.values();
	}

	String render(CommandTemplate template, Target target, Patch patch, String idempotencyKey) {
		try {
			return template.render(CommandTemplate.variables(target, patch, idempotencyKey), this.settings.shell());
		}
		catch (IllegalArgumentException ex) {
			throw new SshFailure(ResultCause.FATAL_TARGET_ERROR,
					"cannot build the command for %s: %s".formatted(target.name(), ex.getMessage()));
		}
	}

}
