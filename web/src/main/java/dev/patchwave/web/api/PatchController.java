package dev.patchwave.web.api;

import dev.patchwave.common.patch.Advisory;
import dev.patchwave.orchestrator.patch.FleetExposure;
import dev.patchwave.orchestrator.patch.FleetExposure.Exposure;
import java.time.LocalDate;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The patch catalog, with how much of the fleet each patch still has to reach. */
@RestController
@RequestMapping("/api/v1/patches")
class PatchController {

	private final FleetExposure exposure;

	PatchController(FleetExposure exposure) {
		this.exposure = exposure;
	}

	@GetMapping
	List<PatchResponse> list() {
		return this.exposure.all().stream().map(PatchResponse::of).toList();
	}

	record PatchResponse(String id, String vendor, String product, String title, String platform, String fixedVersion,
			LocalDate released, double maxCvss, List<Advisory> advisories, String appliesTo, int runningProduct,
			int exposed) {

		static PatchResponse of(Exposure exposure) {
			var patch = exposure.patch();
			return new PatchResponse(patch.id(), patch.vendor(), patch.product(), patch.title(), patch.platform(),
					patch.fixedVersion().toString(), patch.released(), patch.maxCvss(), patch.advisoriesBySeverity(),
					exposure.appliesTo(), exposure.runningProduct(), exposure.exposed());
		}

	}

}
