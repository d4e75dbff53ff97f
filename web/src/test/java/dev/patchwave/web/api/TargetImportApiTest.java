package dev.patchwave.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwave.web.ApiClient;
import dev.patchwave.web.ApiClient.Response;
import dev.patchwave.web.PatchwaveWebTest;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code POST /api/v1/targets/import}: a CSV file of targets registered all or none, each
 * problem named by line and column.
 */
@PatchwaveWebTest
class TargetImportApiTest {

	private static final String CSV = "text/csv";

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private String connector;

	@BeforeEach
	void aConnectorOfItsOwn() {
		this.connector = "csv-sim-" + this.run;
		assertThat(new ApiClient(this.port, "admin")
			.post("/api/v1/connectors",
					ApiClient.json(Map.of("name", this.connector, "type", "simulator", "settings", Map.of())))
			.status()).isEqualTo(201);
	}

	@Test
	void aFileWithLabelColumnsIsImportedThenReplacedByName() {
		String csv = file(2_000, i -> "");

		Response first = importCsv("manager", csv);
		Response again = importCsv("manager", csv);

		assertThat(first.status()).as(first.body()).isEqualTo(200);
		assertThat(first.json().get("created").asInt()).isEqualTo(2_000);
		assertThat(again.json().get("created").asInt()).isZero();
		assertThat(again.json().get("updated").asInt()).isEqualTo(2_000);
		Response prod = new ApiClient(this.port, "viewer")
			.get("/api/v1/targets?selector=run=csv" + this.run + ",env=prod,site&size=10");
		assertThat(prod.json().get("total").asInt()).isEqualTo(1_000);
		assertThat(prod.json().get("items").get(0).get("name").asString()).isEqualTo(name(0));
		assertThat(prod.json().get("items").get(0).get("labels").get("site").asString()).isEqualTo("fra1");
		assertThat(prod.json().get("items").get(0).get("installedVersion").asString()).isEqualTo("14.0.6850");
	}

	@Test
	void badRowsAreNamedByLineAndColumnAndNothingIsWritten() {
		String csv = file(1_500, i -> switch (i) {
			case 700 -> "no-address";
			case 1_499 -> "bad-label";
			default -> "";
		});
		long before = targets();

		Response response = importCsv("manager", csv);

		assertThat(response.status()).as(response.body()).isEqualTo(422);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.json().get("errors").findValuesAsString("field"))
			.containsExactly("line 702, column address", "line 1501, column labels.tier");
		assertThat(response.json().get("detail").asString()).contains("line 702, column address: is required");
		assertThat(targets()).isEqualTo(before);
	}

	@Test
	void aHeaderWithoutTheRequiredColumnsIsRefusedNamingThem() {
		Response response = importCsv("manager", "name,labels\nx,a=b\n");

		assertThat(response.status()).as(response.body()).isEqualTo(422);
		assertThat(response.json().get("detail").asString()).contains("line 1", "address,connector");
	}

	@Test
	void aFileThatIsNotCsvIsRefusedAndWritesNothing() {
		long before = targets();
		String unclosedQuote = file(20, i -> "") + "\"csv-" + this.run + "-x,10.0.0.1\n";

		Response response = importCsv("manager", unclosedQuote);

		assertThat(response.status()).as(response.body()).isEqualTo(400);
		assertThat(response.json().get("detail").asString()).contains("could not be read");
		assertThat(response.body()).doesNotContain("Exception", "\tat ");
		assertThat(targets()).isEqualTo(before);
	}

	@Test
	void onlyChangeManagersImport() {
		assertThat(importCsv("viewer", file(1, i -> "")).status()).isEqualTo(403);
	}

	private Response importCsv(String user, String csv) {
		return new ApiClient(this.port, user).send("POST", "/api/v1/targets/import", CSV, csv, Map.of());
	}

	/**
	 * {@code rows} targets, half in prod; each a label column for its site and the rest
	 * in the labels column. A fault spoils a row: {@code no-address} or
	 * {@code bad-label}.
	 */
	private String file(int rows, IntFunction<String> fault) {
		String header = "name,address,connector,installedVersion,label.site,labels\n";
		return header + IntStream.range(0, rows).mapToObj(i -> {
			String address = fault.apply(i).equals("no-address") ? "" : "10.77.%d.%d".formatted(i / 250, i % 250);
			String tier = fault.apply(i).equals("bad-label") ? "tier=gold!" : "tier=gold";
			return String.join(",", name(i), address, this.connector, "14.0.6850", i % 3 == 0 ? "fra1" : "ams1",
					"run=csv%s;env=%s;%s".formatted(this.run, i % 2 == 0 ? "prod" : "staging", tier));
		}).collect(Collectors.joining("\n", "", "\n"));
	}

	private String name(int i) {
		return "csv-%s-%05d".formatted(this.run, i);
	}

	private long targets() {
		return this.jdbc.sql("SELECT COUNT(*) FROM target").query(Long.class).single();
	}

}
