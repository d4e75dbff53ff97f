package dev.patchwave.web.api;

import dev.patchwave.common.target.Target;
import dev.patchwave.orchestrator.Page;
import dev.patchwave.orchestrator.target.TargetService;
import dev.patchwave.orchestrator.target.TargetService.UpsertResult;
import dev.patchwave.orchestrator.target.TargetSpec;
import dev.patchwave.orchestrator.InvalidInputException;
import dev.patchwave.web.target.TargetCsv;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The fleet's hosts: listed by label selector, and registered in batches or from a CSV
 * file (replaced by name).
 */
@RestController
class TargetController {

	static final String IMPORT_PATH = "/api/v1/targets/import";

	private final TargetService targets;

	TargetController(TargetService targets) {
		this.targets = targets;
	}

	@GetMapping("/api/v1/targets")
	Page<TargetResponse> list(@RequestParam(required = false) String selector,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
		Paging.check(page, size);
		return this.targets.list(selector, page, size).map(TargetResponse::of);
	}

	@PostMapping("/api/v1/targets")
	UpsertResult upsert(@RequestBody List<TargetSpec> specs) {
		return this.targets.upsert(specs);
	}

	/**
	 * A CSV file of targets (see {@link TargetCsv}), read as it arrives and registered
	 * all or none; a refusal names the line and column of each problem.
	 */
	@PostMapping(path = IMPORT_PATH, consumes = "text/csv")
	UpsertResult importCsv(InputStream body) {
		Reader reader = new InputStreamReader(body, StandardCharsets.UTF_8);
		Stream<TargetCsv.Row> rows;
		try {
			rows = TargetCsv.stream(reader);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidInputException("line 1", ex.getMessage());
		}
		try (rows) {
			return this.targets.importAll(rows.map(TargetCsv.Row::forImport));
		}
		catch (UncheckedIOException ex) {
			throw new UnreadableBodyException(ex.getCause());
		}
	}

	record TargetResponse(long id, String name, String address, Map<String, String> labels, String connector,
			String installedVersion) {

		static TargetResponse of(Target target) {
			return new TargetResponse(target.id(), target.name(), target.address(), target.labels(), target.connector(),
					target.installedVersion() == null ? null : target.installedVersion().toString());
		}

	}

}
