package dev.patchwave.bench;

import java.util.Locale;

/**
 * A rollout over a real OpenSSH fleet: {@code 100x50} is 100 hosts with at most 50
 * installs in flight per wave, logged in to through a plain {@code /bin/sh};
 * {@code 100x50/costly} logs in through a shell that takes about 100 ms to start. The
 * waves are always 1 host, 10%, 30% and the rest; every install takes 1 s.
 */
record SshScenario(int hosts, int concurrency, SshFleet.Shell shell) {

	SshScenario {
		if (hosts < 2 || concurrency < 1) {
			throw new IllegalArgumentException("an ssh scenario needs at least two hosts and one slot");
		}
	}

	/**
	 * Public and named {@code of}: that is how Spring's conversion finds it to read
	 * scenarios from properties.
	 */
	public static SshScenario of(String text) {
		String[] parts = text.trim().split("/");
		String[] size = parts[0].split("x");
		if (parts.length > 2 || size.length != 2) {
			throw new IllegalArgumentException(
					"'%s' is not an ssh scenario like 100x50 or 100x50/costly".formatted(text));
		}
		SshFleet.Shell shell = (parts.length == 2) ? SshFleet.Shell.valueOf(parts[1].strip().toUpperCase(Locale.ROOT))
				: SshFleet.Shell.PLAIN;
		return new SshScenario(Integer.parseInt(size[0].strip()), Integer.parseInt(size[1].strip()), shell);
	}

	/**
	 * The wave sizes as counts, 1, 10% and 30% of the hosts left (rounded up, as the
	 * planner rounds shares), and the rest.
	 */
	int[] waves() {
		int second = (int) Math.ceil((this.hosts - 1) * 0.1);
		int third = (int) Math.ceil((this.hosts - 1 - second) * 0.3);
		return new int[] { 1, second, third, this.hosts - 1 - second - third };
	}

	@Override
	public String toString() {
		return "%dx%d/%s".formatted(this.hosts, this.concurrency, this.shell.name().toLowerCase(Locale.ROOT));
	}

}
