package dev.patchwave.web.insight;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/**
 * How many hosts running the product are in each status, and an estimate of how many were
 * exposed before the patch's rollouts began: {@code exposedAtStart} counts the hosts
 * exposed now and those this patch's rollouts have patched since. Patchwave keeps no
 * snapshot of the fleet from before, so hosts added, removed or patched outside it since
 * then are not accounted for.
 */
public record ExposureCounts(int hosts, int patched, int inFlight, int failed, int rebootPending, int queued,
		int uncovered, int exposedAtStart) {

	static ExposureCounts of(Collection<ExposureBreakdown.Host> hosts) {
		Map<HostStatus, Integer> counts = new EnumMap<>(HostStatus.class);
		hosts.forEach(host -> counts.merge(host.status(), 1, Integer::sum));
		int patched = counts.getOrDefault(HostStatus.PATCHED, 0);
		int patchedByRollouts = (int) hosts.stream().filter(ExposureBreakdown.Host::patchedByRollout).count();
		return new ExposureCounts(hosts.size(), patched, counts.getOrDefault(HostStatus.IN_FLIGHT, 0),
				counts.getOrDefault(HostStatus.FAILED, 0), counts.getOrDefault(HostStatus.REBOOT_PENDING, 0),
				counts.getOrDefault(HostStatus.QUEUED, 0), counts.getOrDefault(HostStatus.UNCOVERED, 0),
				hosts.size() - patched + patchedByRollouts);
	}

	@JsonProperty("exposed")
	public int exposed() {
		return this.hosts - this.patched;
	}

	public int count(HostStatus status) {
		return switch (status) {
			case PATCHED -> this.patched;
			case IN_FLIGHT -> this.inFlight;
			case FAILED -> this.failed;
			case REBOOT_PENDING -> this.rebootPending;
			case QUEUED -> this.queued;
			case UNCOVERED -> this.uncovered;
		};
	}

}
