package dev.patchwave.orchestrator.engine;

import dev.patchwave.common.patch.Patch;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.patch.PatchCatalog;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The catalog changes only with a migration, so a patch read once serves every later
 * dispatch.
 */
@Component
class Patches {

	private final PatchCatalog catalog;

	private final Map<String, Patch> cache = new ConcurrentHashMap<>();

	Patches(PatchCatalog catalog) {
		this.catalog = catalog;
	}

	Patch get(String patchId) {
		return this.cache.computeIfAbsent(patchId,
				id -> this.catalog.find(id).orElseThrow(() -> new NotFoundException("patch", id)).patch());
	}

}
