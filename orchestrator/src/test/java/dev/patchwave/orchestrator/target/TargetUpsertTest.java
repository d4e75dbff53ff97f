package dev.patchwave.orchestrator.target;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.testsupport.Fleet;
import dev.patchwave.orchestrator.testsupport.PostgresTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Registering targets is safe when several clients register the same new name at once.
 */
@SpringBootTest
@PostgresTest
class TargetUpsertTest {

	@Autowired
	TargetService targets;

	@Autowired
	TargetRepository repository;

	@Autowired
	ConnectorInstances connectors;

	@Test
	void sixConcurrentUpsertsOfOneNewNameAllSucceedAndLeaveOneTarget() throws Exception {
		String connector = new Fleet(this.connectors, this.targets).withConnector("scripted", Map.of()).connector();
		String name = "race-" + UUID.randomUUID();
		long before = this.repository.count();
		CountDownLatch start = new CountDownLatch(1);
		List<Future<TargetService.UpsertResult>> results = new ArrayList<>();
		try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
			for (int i = 0; i < 6; i++) {
				String address = "10.1.0." + i;
				Callable<TargetService.UpsertResult> upsert = () -> {
					start.await();
					return this.targets
						.upsert(List.of(new TargetSpec(name, address, Map.of("race", "yes"), connector, null)));
				};
				results.add(pool.submit(upsert));
			}
			start.countDown();
			int created = 0;
			for (Future<TargetService.UpsertResult> result : results) {
				created += result.get().created();
			}
			assertThat(created).isEqualTo(1);
		}

		assertThat(this.repository.count()).isEqualTo(before + 1);
		assertThat(this.targets.list("race=yes", 0, 10).items()).extracting(target -> target.name()).contains(name);
	}

	@Test
	void anUpsertOfAnExistingNameReplacesItAndCountsAsUpdated() {
		String connector = new Fleet(this.connectors, this.targets).withConnector("scripted", Map.of()).connector();
		String name = "again-" + UUID.randomUUID();

		TargetService.UpsertResult first = this.targets
			.upsert(List.of(new TargetSpec(name, "10.2.0.1", Map.of(), connector, "1.0")));
		TargetService.UpsertResult second = this.targets
			.upsert(List.of(new TargetSpec(name, "10.2.0.2", Map.of("v", "2"), connector, "2.0")));

		assertThat(first).isEqualTo(new TargetService.UpsertResult(1, 0));
		assertThat(second).isEqualTo(new TargetService.UpsertResult(0, 1));
		assertThat(this.repository.all()).filteredOn(target -> target.name().equals(name))
			.singleElement()
			.satisfies(target -> {
				assertThat(target.address()).isEqualTo("10.2.0.2");
				assertThat(target.labels()).containsEntry("v", "2");
				assertThat(target.installedVersion()).hasToString("2.0");
			});
	}

}
