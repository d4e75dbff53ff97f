package dev.patchwave.web.demo;

import dev.patchwave.common.rollout.AdvanceMode;
import dev.patchwave.orchestrator.InvalidInputException;
import dev.patchwave.orchestrator.connector.ConnectorInstances;
import dev.patchwave.orchestrator.rollout.RolloutRequest;
import dev.patchwave.orchestrator.rollout.RolloutRequest.WaveRequest;
import dev.patchwave.orchestrator.rollout.RolloutService;
import dev.patchwave.orchestrator.target.TargetRepository;
import dev.patchwave.orchestrator.target.TargetService;
import dev.patchwave.orchestrator.target.TargetSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * Seeds the demo on first start: a simulated fleet of Windows servers across three sites,
 * of which about sixty run Apex Central below the fixed build, a simulator to reach them,
 * and a draft rollout for prod. A database that already has targets is left alone, so
 * restarts keep what the demo user did.
 */
@Component
@ConditionalOnBooleanProperty("patchwave.demo.enabled")
class DemoSeeder implements ApplicationRunner {

	static final String CONNECTOR = "sim-fleet";

	private static final Logger log = LoggerFactory.getLogger(DemoSeeder.class);

	private static final List<String> SITES = List.of("fra1", "ams1", "iad1");

	private static final List<String> ROLES = List.of("web", "app", "db", "file", "print", "dc");

	private static final List<String> VULNERABLE_BUILDS = List.of("14.0.6850", "14.0.6955", "14.0.7000", "14.0.7110");

	private static final Map<String, String> SIMULATOR = Map.of("installLatency", "PT2S", "latencyJitter", "PT3S",
			"failureRate", "0.01", "transientRate", "0.05", "rebootRate", "0.15", "seed", "7190");

	private final DemoProperties demo;

	private final TargetRepository targetRepository;

	private final TargetService targets;

	private final ConnectorInstances connectors;

	private final RolloutService rollouts;

	DemoSeeder(DemoProperties demo, TargetRepository targetRepository, TargetService targets,
			ConnectorInstances connectors, RolloutService rollouts) {
		this.demo = demo;
		this.targetRepository = targetRepository;
		this.targets = targets;
		this.connectors = connectors;
		this.rollouts = rollouts;
	}

	@Override
	public void run(ApplicationArguments args) {
		if (this.targetRepository.count() > 0) {
			log.info("Demo data present already; nothing seeded");
			return;
		}
		if (this.connectors.find(CONNECTOR).isEmpty()) {
			this.connectors.create(CONNECTOR, "simulator", SIMULATOR);
		}
		List<TargetSpec> fleet = fleet(this.demo.fleetSize());
		this.targets.upsert(fleet);
		long apex = fleet.stream().filter(target -> "apex-central".equals(target.labels().get("app"))).count();
		log.info("Demo seeded: {} simulated servers, {} of them running Apex Central", fleet.size(), apex);
		try {
			seedDraftRollout();
		}
		catch (InvalidInputException ex) {
			log.warn("No demo rollout drafted: a fleet of {} servers is too small for its waves ({})", fleet.size(),
					ex.getMessage());
		}
	}

	private void seedDraftRollout() {
		this.rollouts.create(new RolloutRequest(
				"Apex Central CP 7190 - prod", "apex-central-2019-cp-7190", "app=apex-central,env=prod",
				AdvanceMode.AUTO, Duration.ofSeconds(30), null, List.of(new WaveRequest("canary", "2", 2, "0"),
						new WaveRequest("early", "25%", 5, "10%"), new WaveRequest("broad", "100%", 10, "10%"))),
				"manager");
		log.info("Demo rollout drafted for Apex Central on prod; start it from the dashboard or the API");
	}

	/** The same fleet on every first start: the random draws are seeded. */
	static List<TargetSpec> fleet(int size) {
		Random random = new Random(7190);
		int apexServers = Math.max(1, size * 64 / 1000);
		List<TargetSpec> fleet = new ArrayList<>();
		int failing = 0;
		for (int i = 0; i < size; i++) {
			String site = SITES.get(i % SITES.size());
			boolean apex = i < apexServers;
			boolean prod = random.nextInt(10) < 7;
			String role = apex ? "apex" : ROLES.get(random.nextInt(ROLES.size()));
			String name = "%s-%s-%s-%04d".formatted(site, prod ? "prd" : "stg", role, i + 1);
			Map<String, String> labels = new LinkedHashMap<>();
			labels.put("site", site);
			labels.put("env", prod ? "prod" : "staging");
			labels.put("tier",
					apex || random.nextInt(10) == 0 ? "critical" : random.nextInt(3) == 0 ? "low" : "standard");
			labels.put("os", random.nextInt(5) < 3 ? "windows-2019" : "windows-2022");
			labels.put("role", role);
			String installed = null;
			if (apex) {
				labels.put("app", "apex-central");
				// a few are patched already, and two staging servers always fail, to show
				// skips and a halt
				installed = i % 16 == 15 ? "14.0.7190"
						: VULNERABLE_BUILDS.get(random.nextInt(VULNERABLE_BUILDS.size()));
				if (!prod && failing < 2) {
					labels.put("simulate", "fail");
					failing++;
				}
			}
			fleet.add(new TargetSpec(name, "10.%d.%d.%d".formatted(SITES.indexOf(site) + 10, i / 250, i % 250 + 1),
					labels, CONNECTOR, installed));
		}
		return fleet;
	}

}
