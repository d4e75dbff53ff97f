package dev.patchwave.orchestrator.patch;

import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.patch.Version;
import dev.patchwave.orchestrator.patch.PatchCatalog.CatalogEntry;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.patchwave.orchestrator.target.TargetRepository;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.stereotype.Service;

/** How much of the fleet still runs a patched product below its fixed version. */
@Service
public class FleetExposure {

	private final PatchCatalog catalog;

	private final TargetRepository targets;

	/** The exposure as served: counted on every read, or kept for a while. */
	private final Supplier<List<Exposure>> served;

	public FleetExposure(PatchCatalog catalog, TargetRepository targets, ExposureProperties properties) {
		this.catalog = catalog;
		this.targets = targets;
		Duration fresh = properties.freshFor();
		if (fresh.isZero()) {
			this.served = this::count;
		}
		else {
			LoadingCache<Boolean, List<Exposure>> counted = Caffeine.newBuilder()
				.refreshAfterWrite(fresh)
				// a reader who comes back after a long while waits for a new count rather
				// than being shown an old one while it is renewed
				.expireAfterWrite(fresh.multipliedBy(5))
				.build(fleet -> count());
			this.served = () -> counted.get(Boolean.TRUE);
		}
	}

	/** Every patch's exposure, counted at most {@code freshFor} ago. */
	public List<Exposure> all() {
		return this.served.get();
	}

	private List<Exposure> count() {
		return this.catalog.list().stream().map(this::exposure).toList();
	}

	/** Counted per installed version in the database, each version judged once here. */
	private Exposure exposure(CatalogEntry entry) {
		Map<String, Long> versions = this.targets.versionsMatching(entry.appliesTo());
		long running = versions.values().stream().mapToLong(Long::longValue).sum();
		long exposed = versions.entrySet()
			.stream()
			.filter(version -> entry.patch()
				.isNeededAt(version.getKey() == null ? null : Version.parse(version.getKey())))
			.mapToLong(Map.Entry::getValue)
			.sum();
		return new Exposure(entry.patch(), entry.appliesTo().toString(), (int) running, (int) exposed);
	}

	/**
	 * One patch's reach: hosts running the product, and those of them still below the
	 * fixed version.
	 */
	public record Exposure(Patch patch, String appliesTo, int runningProduct, int exposed) {

	}

}
