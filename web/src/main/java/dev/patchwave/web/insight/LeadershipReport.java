package dev.patchwave.web.insight;

import dev.patchwave.common.connector.ResultCause;
import dev.patchwave.common.patch.Advisory;
import dev.patchwave.common.rollout.RolloutState;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * One patch as leadership reads it: what it fixes, how exposed the fleet is now and was
 * when the patch's rollouts began, by site and by tier, the rollouts under way, and what
 * needs someone's attention.
 */
public record LeadershipReport(Instant generatedAt, PatchFacts patch, ExposureCounts exposure, String atStartBasis,
		List<Group> bySite, List<Group> byTier, List<RolloutLine> rolloutsUnderWay, List<Attention> attention) {

	/** The label keys the report breaks exposure down by. */
	public static final String SITE = "site";

	public static final String TIER = "tier";

	public static final String AT_START_BASIS = "Patchwave keeps no snapshot of the fleet: 'at start' counts the hosts "
			+ "exposed now plus those this patch's rollouts have patched since. Hosts added, removed or patched "
			+ "outside Patchwave in between are not accounted for.";

	public LeadershipReport {
		bySite = List.copyOf(bySite);
		byTier = List.copyOf(byTier);
		rolloutsUnderWay = List.copyOf(rolloutsUnderWay);
		attention = List.copyOf(attention);
	}

	public record PatchFacts(String id, String title, String vendor, String product, String fixedVersion,
			LocalDate released, double maxCvss, List<Advisory> advisories) {

	}

	/** One value of a label (a site, a tier) with its counts. */
	public record Group(String value, ExposureCounts counts) {

	}

	/** A rollout of the patch that has not ended: where it stands. */
	public record RolloutLine(long id, String name, RolloutState state, int hosts, int patched, int exposed,
			String currentWave, Instant startedAt) {

	}

	/** A host that needs someone: its install failed, with what the installer said. */
	public record Attention(String host, long rolloutId, String rollout, String wave, int attempts, Integer exitCode,
			ResultCause cause, String message) {

	}

}
