package dev.patchwave.orchestrator.plan;

import dev.patchwave.common.patch.Advisory;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What planning assumes where it has not observed anything, and the deadline policy.
 *
 * @param installEstimate how long one install is taken to last on a connector that has
 * not yet installed the patch; used by the window cutoff and by projections
 * @param installSamples how many of the latest successful installs of a patch through a
 * connector make its observed install time (their median)
 * @param approvalDelay how long a wave that needs an approval is expected to wait for it
 * @param deadlinePolicy how soon a rollout should be done, by the highest CVSS score of
 * the patch's advisories: the first rule whose {@code minCvss} the score reaches gives
 * the time from planning; default 9.0 and up within P7D, 7.0 and up within P30D, else
 * none
 */
@ConfigurationProperties("patchwave.planning")
public record PlanningProperties(@DefaultValue("PT10M") Duration installEstimate,
		@DefaultValue("20") int installSamples, @DefaultValue("PT4H") Duration approvalDelay,
		List<DeadlineRule> deadlinePolicy) {

	public PlanningProperties {
		if (installEstimate.isNegative() || installEstimate.isZero()) {
			throw new IllegalArgumentException("patchwave.planning.install-estimate must be positive");
		}
		if (installSamples < 1) {
			throw new IllegalArgumentException("patchwave.planning.install-samples must be at least 1");
		}
		deadlinePolicy = (deadlinePolicy == null)
				? List.of(new DeadlineRule(9.0, Duration.ofDays(7)), new DeadlineRule(7.0, Duration.ofDays(30)))
				: deadlinePolicy.stream().sorted(Comparator.comparingDouble(DeadlineRule::minCvss).reversed()).toList();
	}

	/**
	 * The deadline the policy gives a patch with these advisories, planned at {@code at}.
	 */
	public Optional<Deadline> deadline(List<Advisory> advisories, Instant at) {
		Optional<Advisory> worst = advisories.stream().max(Comparator.comparingDouble(Advisory::cvss));
		if (worst.isEmpty()) {
			return Optional.empty();
		}
		double score = worst.get().cvss();
		return this.deadlinePolicy.stream()
			.filter(rule -> score >= rule.minCvss())
			.findFirst()
			.map(rule -> new Deadline(at.plus(rule.within()), "policy: %s has CVSS %.1f, %.1f and up within %s"
				.formatted(worst.get().cve(), score, rule.minCvss(), rule.within())));
	}

	/** Rollouts of patches whose highest CVSS reaches {@code minCvss} finish within. */
	public record DeadlineRule(double minCvss, Duration within) {

	}

	/** A deadline and where it comes from. */
	public record Deadline(Instant at, String reason) {

	}

}
