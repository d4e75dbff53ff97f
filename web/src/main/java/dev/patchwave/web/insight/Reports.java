package dev.patchwave.web.insight;

import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.common.patch.Patch;
import dev.patchwave.common.rollout.RolloutState;
import dev.patchwave.orchestrator.rollout.DeploymentView;
import dev.patchwave.orchestrator.rollout.RolloutService;
import dev.patchwave.orchestrator.rollout.RolloutView;
import dev.patchwave.orchestrator.rollout.WaveView;
import dev.patchwave.web.insight.ExposureBreakdown.PatchExposure;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/** Builds the leadership report of a patch from its exposure and its rollouts. */
@Service
public class Reports {

	/** Enough for any fleet's history of one patch; the report is about the present. */
	private static final int ROLLOUTS_READ = 1000;

	private static final int FAILURES_PER_ROLLOUT = 200;

	private final ExposureBreakdown exposure;

	private final RolloutService rollouts;

	private final Clock clock;

	public Reports(ExposureBreakdown exposure, RolloutService rollouts, Clock clock) {
		this.exposure = exposure;
		this.rollouts = rollouts;
		this.clock = clock;
	}

	public LeadershipReport of(String patchId) {
		PatchExposure patchExposure = this.exposure.of(patchId);
		Patch patch = patchExposure.patch();
		List<RolloutView> ofPatch = this.rollouts.list(0, ROLLOUTS_READ)
			.items()
			.stream()
			.filter(rollout -> rollout.patchId().equals(patchId))
			.toList();
		List<LeadershipReport.RolloutLine> underWay = ofPatch.stream()
			.filter(rollout -> !rollout.state().isEnded())
			.map(Reports::line)
			.toList();
		List<LeadershipReport.Attention> attention = new ArrayList<>();
		for (RolloutView rollout : ofPatch) {
			if (rollout.state() == RolloutState.ABORTED || rollout.state() == RolloutState.ROLLED_BACK) {
				// a rollout given up on: its hosts count as covered by no rollout instead
				continue;
			}
			for (DeploymentView failed : this.rollouts
				.deployments(rollout.id(), DeploymentState.FAILED, 0, FAILURES_PER_ROLLOUT)
				.items()) {
				attention.add(new LeadershipReport.Attention(failed.target(), rollout.id(), rollout.name(),
						rollout.waves().get(failed.wave()).name(), failed.attempts(), failed.exitCode(), failed.cause(),
						failed.message()));
			}
		}
		return new LeadershipReport(this.clock.instant(),
				new LeadershipReport.PatchFacts(patch.id(), patch.title(), patch.vendor(), patch.product(),
						patch.fixedVersion().toString(), patch.released(), patch.maxCvss(),
						patch.advisoriesBySeverity()),
				patchExposure.counts(), LeadershipReport.AT_START_BASIS,
				groups(patchExposure.by(LeadershipReport.SITE)), groups(patchExposure.by(LeadershipReport.TIER)),
				underWay, attention);
	}

	private static List<LeadershipReport.Group> groups(Map<String, ExposureCounts> counts) {
		return counts.entrySet()
			.stream()
			.map(entry -> new LeadershipReport.Group(entry.getKey(), entry.getValue()))
			.toList();
	}

	private static LeadershipReport.RolloutLine line(RolloutView rollout) {
		String current = rollout.waves()
			.stream()
			.filter(wave -> !wave.state().isDone() && !wave.state().isFinal())
			.findFirst()
			.map(WaveView::name)
			.orElse(null);
		return new LeadershipReport.RolloutLine(rollout.id(), rollout.name(), rollout.state(), rollout.totals().total(),
				rollout.totals().done(), rollout.totals().exposed(), current, rollout.startedAt());
	}

}
