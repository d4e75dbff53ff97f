package dev.patchwave.web.api;

import dev.patchwave.common.target.Target;
import dev.patchwave.orchestrator.Page;
import dev.patchwave.orchestrator.target.TargetService;
import dev.patchwave.orchestrator.target.TargetService.UpsertResult;
import dev.patchwave.orchestrator.target.TargetSpec;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The fleet's hosts: listed by label selector, and registered in batches (replaced by
 * name).
 */
@RestController
@RequestMapping("/api/v1/targets")
class TargetController {

	private final TargetService targets;

	TargetController(TargetService targets) {
		this.targets = targets;
	}

	@GetMapping
	Page<TargetResponse> list(@RequestParam(required = false) String selector,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
		Paging.check(page, size);
		return this.targets.list(selector, page, size).map(TargetResponse::of);
	}

	@PostMapping
	UpsertResult upsert(@RequestBody List<TargetSpec> specs) {
		return this.targets.upsert(specs);
	}

	record TargetResponse(long id, String name, String address, Map<String, String> labels, String connector,
			String installedVersion) {

		static TargetResponse of(Target target) {
			return new TargetResponse(target.id(), target.name(), target.address(), target.labels(), target.connector(),
					target.installedVersion() == null ? null : target.installedVersion().toString());
		}

	}

}
