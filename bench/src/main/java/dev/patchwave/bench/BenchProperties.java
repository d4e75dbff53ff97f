package dev.patchwave.bench;

import dev.patchwave.bench.fleet.FleetBench;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the bench runs. Scenarios are written like {@code 1000x50@200ms}, see
 * {@link Scenario}.
 *
 * @param scenarios the rollouts to measure, one after the other
 * @param quick run two small scenarios instead, to check in seconds that the bench works
 * @param warmup a rollout run first and left out of the figures, so the JIT and the pool
 * are warm
 * @param timeout how long one scenario may run before it counts as failed and is aborted
 * @param suites what to measure: {@code engine} (the simulator scenarios), {@code ssh} (a
 * real OpenSSH fleet) and {@code fleet}
 * @param ssh the ssh suite's scenarios
 * @param fleet the fleet suite: the packaged application on PostgreSQL at 100,000 targets
 */
@ConfigurationProperties("bench")
record BenchProperties(@DefaultValue( {
		"1000x50@200ms", "2000x100@100ms", "1000x200@50ms", "50x10+500x50+1450x100@100ms" }) List<Scenario> scenarios,
		@DefaultValue("false") boolean quick, @DefaultValue("1000x100@10ms") Scenario warmup,
		@DefaultValue("PT2M") Duration timeout, @DefaultValue("engine") List<String> suites, @DefaultValue Ssh ssh,
		@DefaultValue FleetBench.Settings fleet){

	/**
	 * @param scenarios the fleets and rollouts, see {@link SshScenario}
	 * @param rounds rollouts per scenario through the same connector: the first logs in
	 * to every host, the next reuse its sessions
	 * @param ansible whether Ansible runs the same plan on the same fleet afterwards
	 * @param warmup a rollout run first and left out of the figures, so that the JIT has
	 * compiled the SSH code before a first rollout's logins are measured
	 * @param warmupLogins logins to the warm-up's fleet after its rollout, also left out:
	 * MINA's login path is compiled only after about a thousand, see {@link LoginWarmUp}
	 */
	record Ssh(@DefaultValue( {
			"100x50", "300x100", "100x50/costly" }) List<SshScenario> scenarios, @DefaultValue("2") int rounds,
			@DefaultValue("true") boolean ansible, @DefaultValue("30x10") SshScenario warmup,
			@DefaultValue("1500") int warmupLogins){
	}

	private static final List<Scenario> QUICK = List.of(Scenario.of("200x20@50ms"), Scenario.of("20x5+180x20@50ms"));

	List<Scenario> toRun() {
		return this.quick ? QUICK : this.scenarios;
	}

}
