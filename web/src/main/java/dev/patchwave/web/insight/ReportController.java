package dev.patchwave.web.insight;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.apache.commons.csv.CSVPrinter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The leadership report for scripts and spreadsheets: the whole report as JSON, and its
 * exposure table (by site and by tier, now and at start) as CSV.
 */
@RestController
@RequestMapping("/api/v1/reports")
class ReportController {

	private final Reports reports;

	ReportController(Reports reports) {
		this.reports = reports;
	}

	@GetMapping("/{patchId}")
	LeadershipReport report(@PathVariable String patchId) {
		return this.reports.of(patchId);
	}

	@GetMapping("/{patchId}/exposure.csv")
	void csv(@PathVariable String patchId, HttpServletResponse response) throws IOException {
		LeadershipReport report = this.reports.of(patchId);
		response.setContentType(CsvCells.MEDIA_TYPE);
		response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"exposure-%s.csv\""
			.formatted(report.patch().id().replaceAll("[^A-Za-z0-9._-]", "_")));
		try (CSVPrinter csv = CsvCells.printer(response.getWriter(), "dimension", "value", "hosts", "exposed_now",
				"exposed_at_start", "patched", "in_flight", "failed", "reboot_pending", "queued", "no_rollout")) {
			row(csv, "all", "", report.exposure());
			rows(csv, LeadershipReport.SITE, report.bySite());
			rows(csv, LeadershipReport.TIER, report.byTier());
		}
	}

	private static void rows(CSVPrinter csv, String dimension, List<LeadershipReport.Group> groups) {
		groups.forEach(group -> row(csv, dimension, group.value(), group.counts()));
	}

	private static void row(CSVPrinter csv, String dimension, String value, ExposureCounts c) {
		CsvCells.print(csv, dimension, value, c.hosts(), c.exposed(), c.exposedAtStart(), c.patched(), c.inFlight(),
				c.failed(), c.rebootPending(), c.queued(), c.uncovered());
	}

}
