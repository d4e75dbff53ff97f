package dev.patchwave.common.patch;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A vendor fix: what it patches, the version that fixes it, and the advisories it closes.
 * A target whose installed version is below {@link #fixedVersion()} is exposed.
 */
public record Patch(String id, String vendor, String product, String title, String platform, Version fixedVersion,
		LocalDate released, List<Advisory> advisories, Map<String, InstallSteps> steps) {

	public Patch {
		advisories = List.copyOf(advisories);
		steps = Map.copyOf(steps);
	}

	public Patch(String id, String vendor, String product, String title, String platform, Version fixedVersion,
			LocalDate released, List<Advisory> advisories) {
		this(id, vendor, product, title, platform, fixedVersion, released, advisories, Map.of());
	}

	/** The install steps for a kind of connector, when the catalog defines them. */
	public Optional<InstallSteps> stepsFor(String connectorType) {
		return Optional.ofNullable(this.steps.get(connectorType));
	}

	public double maxCvss() {
		return this.advisories.stream().mapToDouble(Advisory::cvss).max().orElse(0);
	}

	public List<Advisory> advisoriesBySeverity() {
		return this.advisories.stream().sorted(Comparator.comparingDouble(Advisory::cvss).reversed()).toList();
	}

	/**
	 * Whether a target reporting {@code installed} still needs this patch; an unknown
	 * version does.
	 */
	public boolean isNeededAt(Version installed) {
		return installed == null || !installed.isAtLeast(this.fixedVersion);
	}

}
