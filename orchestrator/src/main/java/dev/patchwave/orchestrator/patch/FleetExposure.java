package dev.patchwave.orchestrator.patch;

import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.target.Target;
import dev.patchwave.orchestrator.patch.PatchCatalog.CatalogEntry;
import dev.patchwave.orchestrator.target.TargetRepository;
import java.util.List;
import org.springframework.stereotype.Service;

/** How much of the fleet still runs a patched product below its fixed version. */
@Service
public class FleetExposure {

	private final PatchCatalog catalog;

	private final TargetRepository targets;

	public FleetExposure(PatchCatalog catalog, TargetRepository targets) {
		this.catalog = catalog;
		this.targets = targets;
	}

	public List<Exposure> all() {
		List<Target> fleet = this.targets.all();
		return this.catalog.list().stream().map(entry -> exposure(entry, fleet)).toList();
	}

	private static Exposure exposure(CatalogEntry entry, List<Target> fleet) {
		List<Target> running = fleet.stream().filter(target -> entry.appliesTo().matches(target.labels())).toList();
		long exposed = running.stream().filter(target -> entry.patch().isNeededAt(target.installedVersion())).count();
		return new Exposure(entry.patch(), entry.appliesTo().toString(), running.size(), (int) exposed);
	}

	/**
	 * One patch's reach: hosts running the product, and those of them still below the
	 * fixed version.
	 */
	public record Exposure(Patch patch, String appliesTo, int runningProduct, int exposed) {

	}

}
