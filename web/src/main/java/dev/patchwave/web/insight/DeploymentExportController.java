package dev.patchwave.web.insight;

import dev.patchwave.orchestrator.Page;
import dev.patchwave.orchestrator.rollout.DeploymentView;
import dev.patchwave.orchestrator.rollout.RolloutService;
import dev.patchwave.orchestrator.rollout.RolloutView;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.commons.csv.CSVPrinter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A rollout's deployments as CSV, for a spreadsheet or a ticket: every target with its
 * wave, state, attempts and what the installer said. Names and messages come from the
 * fleet, so every cell is written safe from formula injection.
 */
@RestController
class DeploymentExportController {

	private static final int BATCH = 1000;

	private final RolloutService rollouts;

	DeploymentExportController(RolloutService rollouts) {
		this.rollouts = rollouts;
	}

	@GetMapping("/api/v1/rollouts/{id}/deployments.csv")
	void export(@PathVariable long id, HttpServletResponse response) throws IOException {
		RolloutView rollout = this.rollouts.get(id);
		response.setContentType(CsvCells.MEDIA_TYPE);
		response.setHeader(HttpHeaders.CONTENT_DISPOSITION,
				"attachment; filename=\"rollout-%d-deployments.csv\"".formatted(id));
		try (CSVPrinter csv = CsvCells.printer(response.getWriter(), "target", "wave", "state", "attempts", "exit_code",
				"cause", "message", "installed_version", "dispatched_at", "finished_at")) {
			Page<DeploymentView> page;
			int number = 0;
			// read in batches, so a fleet of tens of thousands is never held in memory at
			// once
			do {
				page = this.rollouts.deployments(id, null, number++, BATCH);
				for (DeploymentView d : page.items()) {
					CsvCells.print(csv, d.target(), rollout.waves().get(d.wave()).name(), d.state(), d.attempts(),
							d.exitCode(), d.cause(), d.message(), d.installedVersion(), d.dispatchedAt(),
							d.finishedAt());
				}
			}
			while ((long) number * BATCH < page.total());
		}
	}

}
