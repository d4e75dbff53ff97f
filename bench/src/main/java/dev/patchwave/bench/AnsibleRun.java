package dev.patchwave.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The same plan through Ansible, on the same fleet: a playbook whose {@code serial}
 * batches are the waves' sizes, {@code forks} the waves' concurrency, an install task and
 * a verify task per host; then a rollback playbook over every host. Ansible runs as it
 * ships, with pipelining on (its fastest documented setting) and its default SSH
 * connection sharing (ControlPersist). Its CPU is what {@code ansible-playbook} and its
 * children used, plus the SSH connection masters it left running in the background.
 */
final class AnsibleRun {

	private static final Path PLAYBOOK = Path.of("/usr/bin/ansible-playbook");

	/** The children's user and system time, as bash's {@code times} prints them. */
	private static final Pattern TIMES = Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s");

	private final SshFleet fleet;

	private final SshScenario scenario;

	private final Path dir;

	/** The CPU ticks of each connection master seen so far. */
	private final Map<Long, Long> masters = new HashMap<>();

	AnsibleRun(SshFleet fleet, SshScenario scenario) {
		this.fleet = fleet;
		this.scenario = scenario;
		this.dir = fleet.dir().resolve("ansible");
	}

	static boolean installed() {
		return Files.isExecutable(PLAYBOOK);
	}

	SshMeasurement measure() throws Exception {
		List<String> problems = new ArrayList<>();
		if (!installed()) {
			return new SshMeasurement("ansible", this.scenario, Duration.ZERO, null, null, 0, null, null, 0, List.of(),
					List.of("not installed: apt-get install -y ansible"));
		}
		List<String> hosts = IntStream.range(0, this.fleet.size()).mapToObj("ansible-h%04d"::formatted).toList();
		writeFiles(hosts);
		SshFleet.Shell shell = this.scenario.shell();
		Map<String, Integer> installsBefore = this.fleet.installs(shell);
		Map<String, Integer> rollbacksBefore = this.fleet.rollbacks(shell);
		try {
			long commands = this.fleet.commandsStarted();
			Played install = play("install.yml");
			long installCommands = this.fleet.commandsStarted() - commands;
			Duration installCpu = install.cpu().plus(mastersCpu());
			if (install.exitCode() != 0) {
				problems.add("install playbook exited with " + install.exitCode() + ", see " + install.log());
			}
			commands = this.fleet.commandsStarted();
			Played rollback = play("rollback.yml");
			long rollbackCommands = this.fleet.commandsStarted() - commands;
			Duration rollbackCpu = rollback.cpu().plus(mastersCpu());
			if (rollback.exitCode() != 0) {
				problems.add("rollback playbook exited with " + rollback.exitCode() + ", see " + rollback.log());
			}
			problems.addAll(SshBench.onceEach("installed", installsBefore, this.fleet.installs(shell), hosts));
			problems.addAll(SshBench.onceEach("rolled back", rollbacksBefore, this.fleet.rollbacks(shell), hosts));
			Duration ideal = Duration.ZERO;
			for (int size : this.scenario.waves()) {
				ideal = ideal.plus(SshBench.INSTALL.multipliedBy(Math.ceilDiv(size, this.scenario.concurrency())));
			}
			return new SshMeasurement("ansible " + version(), this.scenario, ideal, install.wall(), installCpu,
					installCommands, rollback.wall(), rollbackCpu, rollbackCommands, List.of(), problems);
		}
		finally {
			// The connection masters Ansible left behind, known by the control path
			// directory of this run.
			this.masters.keySet().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
		}
	}

	private void writeFiles(List<String> hosts) throws IOException {
		Files.createDirectories(this.dir.resolve("cp"));
		Files.createDirectories(this.dir.resolve("tmp"));
		StringBuilder inventory = new StringBuilder("[fleet]\n");
		for (int host = 0; host < hosts.size(); host++) {
			inventory.append("%s ansible_host=%s%n".formatted(hosts.get(host), SshFleet.address(host)));
		}
		inventory.append("""
				[fleet:vars]
				ansible_port=%d
				ansible_user=%s
				ansible_ssh_private_key_file=%s
				ansible_ssh_common_args='-o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes'
				ansible_python_interpreter=/usr/bin/python3
				""".formatted(this.fleet.port(), this.fleet.user(this.scenario.shell()), this.fleet.privateKeyFile(),
				this.fleet.knownHostsFile()));
		Files.writeString(this.dir.resolve("inventory"), inventory);
		Files.writeString(this.dir.resolve("ansible.cfg"), """
				[defaults]
				forks = %d
				host_key_checking = True
				retry_files_enabled = False
				local_tmp = %s

				[ssh_connection]
				pipelining = True
				control_path_dir = %s
				""".formatted(this.scenario.concurrency(), this.dir.resolve("tmp"), this.dir.resolve("cp")));
		String serial = IntStream.of(this.scenario.waves())
			.mapToObj(Integer::toString)
			.collect(Collectors.joining(", "));
		String verify = """
				    - name: verify
				      ansible.builtin.command: %s {{ inventory_hostname }}
				      register: version
				      changed_when: false
				""".formatted(this.fleet.verifier());
		Files.writeString(this.dir.resolve("install.yml"), """
				- hosts: fleet
				  gather_facts: false
				  serial: [%s]
				  max_fail_percentage: 0
				  tasks:
				    - name: install
				      ansible.builtin.command: %s {{ inventory_hostname }}
				%s      failed_when: version.stdout_lines | last is version('%s', '<')
				""".formatted(serial, this.fleet.installer(), verify, FleetScripts.FIXED));
		Files.writeString(this.dir.resolve("rollback.yml"), """
				- hosts: fleet
				  gather_facts: false
				  tasks:
				    - name: rollback
				      ansible.builtin.command: %s {{ inventory_hostname }}
				%s""".formatted(this.fleet.rollbacker(), verify));
	}

	private Played play(String playbook) throws Exception {
		Path log = this.dir.resolve(playbook + ".log");
		ProcessBuilder builder = new ProcessBuilder("bash", "-c",
				"ansible-playbook -i inventory %s > %s 2>&1; rc=$?; times; exit $rc".formatted(playbook, log));
		builder.directory(this.dir.toFile());
		builder.environment().put("ANSIBLE_CONFIG", this.dir.resolve("ansible.cfg").toString());
		builder.environment().put("ANSIBLE_NOCOLOR", "1");
		long start = System.nanoTime();
		Process process = builder.redirectErrorStream(true).start();
		String times = new String(process.getInputStream().readAllBytes());
		int exit = process.waitFor();
		Duration wall = Duration.ofNanos(System.nanoTime() - start);
		List<String> lines = times.strip().lines().toList();
		Matcher children = TIMES.matcher(lines.isEmpty() ? "" : lines.getLast());
		Duration cpu = children.find()
				? seconds(children.group(1), children.group(2)).plus(seconds(children.group(3), children.group(4)))
				: Duration.ZERO;
		return new Played(exit, wall, cpu, log);
	}

	/**
	 * The CPU the connection masters used since last asked: they leave the process tree,
	 * so bash's {@code times} does not see them.
	 */
	private Duration mastersCpu() {
		String controlPaths = this.dir.resolve("cp").toString();
		long ticks = 0;
		for (ProcessHandle process : ProcessHandle.allProcesses()
			.filter(process -> process.info().commandLine().orElse("").contains(controlPaths))
			.toList()) {
			try {
				String[] stat = Files.readString(Path.of("/proc/%d/stat".formatted(process.pid())))
					.replaceFirst("^.*\\) ", "")
					.split(" ");
				// utime and stime, fields 14 and 15 of stat, 12 and 13 after the name.
				long used = Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
				Long before = this.masters.put(process.pid(), used);
				ticks += used - ((before != null) ? before : 0);
			}
			catch (IOException ex) {
				// Gone since listed: its time is lost, a few ticks at most.
			}
		}
		return Duration.ofMillis(ticks * 1000 / SshFleet.CLOCK_TICKS);
	}

	private static Duration seconds(String minutes, String seconds) {
		return Duration.ofMinutes(Long.parseLong(minutes)).plusNanos((long) (Double.parseDouble(seconds) * 1e9));
	}

	private static String version() {
		try {
			Process process = new ProcessBuilder("ansible-playbook", "--version").redirectErrorStream(true).start();
			String first = new String(process.getInputStream().readAllBytes()).lines().findFirst().orElse("");
			process.waitFor();
			Matcher core = Pattern.compile("core ([\\d.]+)").matcher(first);
			return core.find() ? "core " + core.group(1) : "";
		}
		catch (IOException ex) {
			return "";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "";
		}
	}

	private record Played(int exitCode, Duration wall, Duration cpu, Path log) {
	}

}
