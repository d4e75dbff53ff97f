package dev.patchwave.web.insight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwave.web.ApiClient;
import dev.patchwave.web.PatchwaveWebTest;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The CSV and JSON a spreadsheet or a script takes away: cells a spreadsheet would run as
 * formulas are written as text, and the leadership report adds up.
 */
@PatchwaveWebTest
class ExportApiTest {

	private static final String PATCH = "apex-central-2019-cp-7190";

	@LocalServerPort
	int port;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	@Test
	void deploymentCellsThatASpreadsheetWouldRunAsFormulasAreExportedAsText() throws IOException {
		List<String> hostile = List.of("=HYPERLINK(\"http://evil\")-" + this.run, "+1+1-" + this.run,
				"-2+3-" + this.run, "@SUM(1)-" + this.run, "plain-" + this.run);
		registerTargets(hostile, Map.of());
		long id = createRollout();

		ApiClient.Response export = new ApiClient(this.port, "viewer")
			.get("/api/v1/rollouts/%d/deployments.csv".formatted(id));

		assertThat(export.status()).isEqualTo(200);
		assertThat(export.contentType()).startsWith("text/csv");
		List<String> targets = records(export.body()).stream().map(record -> record.get("target")).toList();
		assertThat(targets).containsExactlyInAnyOrder("'=HYPERLINK(\"http://evil\")-" + this.run, "'+1+1-" + this.run,
				"'-2+3-" + this.run, "'@SUM(1)-" + this.run, "plain-" + this.run);
		assertThat(records(export.body())).allSatisfy(record -> assertThat(record.get("state")).isEqualTo("PENDING"));
	}

	@Test
	void theCsvCellsAreEscapedOneByOne() {
		assertThat(CsvCells.safe("=1+1")).isEqualTo("'=1+1");
		assertThat(CsvCells.safe("+1")).isEqualTo("'+1");
		assertThat(CsvCells.safe("-1")).isEqualTo("'-1");
		assertThat(CsvCells.safe("@A1")).isEqualTo("'@A1");
		assertThat(CsvCells.safe("\t=1")).isEqualTo("'\t=1");
		assertThat(CsvCells.safe("fra1-apex-01")).isEqualTo("fra1-apex-01");
		assertThat(CsvCells.safe(-1603)).isEqualTo("-1603");
		assertThat(CsvCells.safe(null)).isEmpty();
	}

	@Test
	void theReportCountsTheFleetBySiteAndTierAndAsCsv() throws IOException {
		String site = "t" + this.run;
		registerTargets(List.of("rep-a-" + this.run, "rep-b-" + this.run),
				Map.of("app", "apex-central", "site", site, "tier", "critical"));

		ApiClient.Response response = new ApiClient(this.port, "viewer").get("/api/v1/reports/" + PATCH);

		assertThat(response.status()).as(response.body()).isEqualTo(200);
		JsonNode report = response.json();
		assertThat(report.at("/patch/advisories/0/cve").asString()).isEqualTo("CVE-2025-69258");
		assertThat(report.at("/patch/maxCvss").asDouble()).isEqualTo(9.8);
		assertThat(report.at("/exposure/exposed").asInt()).isGreaterThanOrEqualTo(2);
		assertThat(report.at("/atStartBasis").asString()).contains("no snapshot");
		JsonNode ours = null;
		for (JsonNode group : report.get("bySite")) {
			if (group.get("value").asString().equals(site)) {
				ours = group;
			}
		}
		assertThat(ours).isNotNull();
		assertThat(ours.at("/counts/hosts").asInt()).isEqualTo(2);
		assertThat(ours.at("/counts/exposed").asInt()).isEqualTo(2);
		assertThat(ours.at("/counts/uncovered").asInt()).isEqualTo(2);
		assertThat(ours.at("/counts/exposedAtStart").asInt()).isEqualTo(2);

		ApiClient.Response csv = new ApiClient(this.port, "viewer")
			.get("/api/v1/reports/%s/exposure.csv".formatted(PATCH));
		assertThat(csv.status()).isEqualTo(200);
		assertThat(records(csv.body())).anySatisfy(record -> {
			assertThat(record.get("dimension")).isEqualTo("site");
			assertThat(record.get("value")).isEqualTo(site);
			assertThat(record.get("exposed_now")).isEqualTo("2");
		});
		assertThat(new ApiClient(this.port, null).get("/api/v1/reports/" + PATCH).status()).isEqualTo(401);
		assertThat(new ApiClient(this.port, "viewer").get("/api/v1/reports/no-such-patch").status()).isEqualTo(404);
	}

	private static List<CSVRecord> records(String csv) throws IOException {
		return CSVFormat.RFC4180.builder()
			.setHeader()
			.setSkipHeaderRecord(true)
			.get()
			.parse(new StringReader(csv))
			.getRecords();
	}

	private void registerTargets(List<String> names, Map<String, String> extraLabels) {
		ApiClient.Response connector = new ApiClient(this.port, "admin").post("/api/v1/connectors", ApiClient.json(Map
			.of("name", "sim-" + this.run, "type", "simulator", "settings", Map.of("installLatency", "PT0.1S"))));
		assertThat(connector.status()).as(connector.body()).isEqualTo(201);
		List<Map<String, Object>> targets = new ArrayList<>();
		for (int i = 0; i < names.size(); i++) {
			Map<String, String> labels = new java.util.HashMap<>(extraLabels);
			labels.put("run", this.run);
			targets.add(Map.of("name", names.get(i), "address", "10.88.0." + (i + 1), "labels", labels, "connector",
					"sim-" + this.run, "installedVersion", "14.0.6850"));
		}
		ApiClient.Response registered = new ApiClient(this.port, "manager").post("/api/v1/targets",
				ApiClient.json(targets));
		assertThat(registered.status()).as(registered.body()).isEqualTo(200);
	}

	private long createRollout() {
		ApiClient.Response created = new ApiClient(this.port, "manager").post("/api/v1/rollouts",
				ApiClient.json(Map.of("name", "export " + this.run, "patchId", PATCH, "selector", "run=" + this.run,
						"waves", List.of(Map.of("name", "all", "size", "100%", "maxConcurrency", 1)))));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json().get("id").asLong();
	}

}
