package dev.patchwave.orchestrator.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.rollout.RolloutService;
import dev.patchwave.orchestrator.target.TargetService;
import dev.patchwave.orchestrator.testsupport.Fleet;
import dev.patchwave.orchestrator.testsupport.PostgresTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.transaction.support.TransactionTemplate;

@SpringBootTest
@PostgresTest
class EventJournalTest {

	@Autowired
	EventJournal journal;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	RolloutService rollouts;

	@Autowired
	ConnectorInstances connectors;

	@Autowired
	TargetService targets;

	@Test
	void eventsAppendedInATransactionAreWrittenInOrderWithTheirTextAndTimesIntact() {
		long rollout = rollout();
		List<String> awkward = List.of("plain", "with \"quotes\", commas, {braces} and \\backslashes\\", "NULL", "",
				"Ünïcødé ✓ 修补", "multi\nline\ttext");
		Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);

		this.transactions.executeWithoutResult(status -> {
			for (int i = 0; i < 600; i++) {
				String message = awkward.get(i % awkward.size()) + " #" + i;
				if (i % 3 == 0) {
					this.journal.append(rollout, "engine", "NOTE", message);
				}
				else {
					this.journal.append(rollout, "operator", "TARGET_SUCCEEDED", i % 5, "host-" + i, message);
				}
			}
		});

		List<RolloutEvent> events = this.journal.list(rollout, 0, 1000);
		// after the rollout's own CREATED
		events = events.subList(1, events.size());
		assertThat(events).hasSize(600);
		for (int i = 0; i < 600; i++) {
			RolloutEvent event = events.get(i);
			assertThat(event.message()).isEqualTo(awkward.get(i % awkward.size()) + " #" + i);
			if (i % 3 == 0) {
				assertThat(event.wave()).isNull();
				assertThat(event.target()).isNull();
				assertThat(event.actor()).isEqualTo("engine");
			}
			else {
				assertThat(event.wave()).isEqualTo(i % 5);
				assertThat(event.target()).isEqualTo("host-" + i);
				assertThat(event.type()).isEqualTo("TARGET_SUCCEEDED");
			}
		}
		assertThat(events).extracting(RolloutEvent::at)
			.allSatisfy(at -> assertThat(at).isBetween(before, Instant.now()))
			.isSorted();
	}

	private long rollout() {
		Fleet fleet = new Fleet(this.connectors, this.targets).withConnector("scripted", Map.of()).withTargets(1);
		return this.rollouts.create(fleet.rollout(Fleet.wave("all", "100%", 1, "0")), "manager").id();
	}

}
