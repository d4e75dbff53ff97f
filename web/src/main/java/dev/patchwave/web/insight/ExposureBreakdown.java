package dev.patchwave.web.insight;

import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.common.target.Target;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.patch.PatchCatalog;
import dev.patchwave.orchestrator.patch.PatchCatalog.CatalogEntry;
import dev.patchwave.orchestrator.target.TargetRepository;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Where the fleet stands with each patch, host by host: patched, or exposed and why (in
 * flight, failed, waiting for a reboot, queued in a rollout, or covered by none). A
 * host's latest deployment of the patch, in the newest rollout that holds it, says what
 * is happening to it.
 */
@Service
public class ExposureBreakdown {

	/** The labels most fleets are cut by, offered first when the hosts carry them. */
	static final List<String> USUAL_LABELS = List.of("site", "env", "tier");

	private final PatchCatalog catalog;

	private final TargetRepository targets;

	private final JdbcClient jdbc;

	public ExposureBreakdown(PatchCatalog catalog, TargetRepository targets, JdbcClient jdbc) {
		this.catalog = catalog;
		this.targets = targets;
		this.jdbc = jdbc;
	}

	/** Every patch of the catalog with its counts, newest release first. */
	public List<PatchExposure> all() {
		List<Target> fleet = this.targets.all();
		return this.catalog.list().stream().map(entry -> of(entry, fleet)).toList();
	}

	public PatchExposure of(String patchId) {
		CatalogEntry entry = this.catalog.find(patchId).orElseThrow(() -> new NotFoundException("patch", patchId));
		return of(entry, this.targets.all());
	}

	private PatchExposure of(CatalogEntry entry, List<Target> fleet) {
		Patch patch = entry.patch();
		Map<Long, Latest> latest = latestDeployments(patch.id());
		Set<Long> patchedHere = patchedByRollouts(patch.id());
		List<Host> hosts = new ArrayList<>();
		for (Target target : fleet) {
			if (entry.appliesTo().matches(target.labels())) {
				Latest deployment = latest.get(target.id());
				HostStatus status = status(patch, target, deployment);
				hosts.add(new Host(target, status, deployment == null ? null : deployment.rollout(),
						deployment == null ? null : deployment.rolloutName(),
						status == HostStatus.PATCHED && patchedHere.contains(target.id())));
			}
		}
		return new PatchExposure(patch, entry.appliesTo().toString(), hosts, ExposureCounts.of(hosts));
	}

	private static HostStatus status(Patch patch, Target target, Latest deployment) {
		if (!patch.isNeededAt(target.installedVersion())) {
			return HostStatus.PATCHED;
		}
		if (deployment == null) {
			return HostStatus.UNCOVERED;
		}
		return switch (deployment.state()) {
			case DISPATCHED, ROLLING_BACK -> HostStatus.IN_FLIGHT;
			case FAILED, ROLLBACK_FAILED -> HostStatus.FAILED;
			case REBOOT_PENDING -> HostStatus.REBOOT_PENDING;
			case PENDING -> deployment.rolloutState().isEnded() ? HostStatus.UNCOVERED : HostStatus.QUEUED;
			// skipped by an operator, rolled back, or reported fixed but still below the
			// fixed version
			case EXCLUDED, ROLLED_BACK, SUCCEEDED, SKIPPED -> HostStatus.UNCOVERED;
		};
	}

	/** Each host's deployment in the newest rollout of this patch that holds it. */
	private Map<Long, Latest> latestDeployments(String patchId) {
		Map<Long, Latest> latest = new HashMap<>();
		this.jdbc.sql("""
				SELECT d.target_id, d.state, r.id, r.name, r.state AS rollout_state
				FROM deployment d JOIN rollout r ON r.id = d.rollout_id
				WHERE r.patch_id = ? ORDER BY r.id""").param(patchId).query(rs -> {
			latest.put(rs.getLong("target_id"),
					new Latest(rs.getLong("id"), rs.getString("name"),
							RolloutState.valueOf(rs.getString("rollout_state")),
							DeploymentState.valueOf(rs.getString("state"))));
		});
		return latest;
	}

	/** The hosts one of this patch's rollouts installed it on. */
	private Set<Long> patchedByRollouts(String patchId) {
		return new HashSet<>(this.jdbc.sql("""
				SELECT DISTINCT d.target_id FROM deployment d JOIN rollout r ON r.id = d.rollout_id
				WHERE r.patch_id = ? AND d.state = 'SUCCEEDED'""").param(patchId).query(Long.class).list());
	}

	private record Latest(long rollout, String rolloutName, RolloutState rolloutState, DeploymentState state) {

	}

	/**
	 * One host running the product, with its status, the rollout that last held it, and
	 * whether a rollout of this patch is what patched it.
	 */
	public record Host(Target target, HostStatus status, Long rolloutId, String rolloutName, boolean patchedByRollout) {

		public String label(String key) {
			return this.target.labels().getOrDefault(key, "");
		}

	}

	/** One patch's reach over the fleet, host by host. */
	public record PatchExposure(Patch patch, String appliesTo, List<Host> hosts, ExposureCounts counts) {

		public PatchExposure {
			hosts = List.copyOf(hosts);
		}

		/**
		 * The label keys the hosts carry, the usual ones (site, env, tier) first, then
		 * the others in order.
		 */
		public List<String> labelKeys() {
			Set<String> present = new TreeSet<>();
			this.hosts.forEach(host -> present.addAll(host.target().labels().keySet()));
			Set<String> keys = new LinkedHashSet<>();
			USUAL_LABELS.stream().filter(present::contains).forEach(keys::add);
			keys.addAll(present);
			return List.copyOf(keys);
		}

		/** Counts for each value of a label; hosts without it under "". */
		public Map<String, ExposureCounts> by(String key) {
			Map<String, List<Host>> groups = new TreeMap<>();
			this.hosts.forEach(host -> groups.computeIfAbsent(host.label(key), value -> new ArrayList<>()).add(host));
			Map<String, ExposureCounts> counts = new LinkedHashMap<>();
			groups.forEach((value, members) -> counts.put(value, ExposureCounts.of(members)));
			return counts;
		}

	}

}
