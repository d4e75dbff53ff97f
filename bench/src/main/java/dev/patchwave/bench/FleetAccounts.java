package dev.patchwave.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The accounts the ssh fleet is logged in to, one for each login shell, and the client
 * key they all accept. Each account's home lies under the fleet's directory, where the
 * scripts count their runs. Adding and removing accounts needs root.
 */
final class FleetAccounts implements AutoCloseable {

	private final Path dir;

	private final Map<SshFleet.Shell, String> accounts = new HashMap<>();

	private String privateKey;

	/**
	 * @param dir the fleet's directory, whose {@code keys} directory set-up writes to
	 */
	FleetAccounts(Path dir) {
		this.dir = dir;
	}

	/**
	 * Makes the client key and adds an account for each login shell, named after the run
	 * so that two fleets on one machine never share an account.
	 */
	void add(String run, FleetScripts scripts) throws Exception {
		Path keys = this.dir.resolve("keys");
		SetupCommand.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keys.resolve("client").toString());
		this.privateKey = Files.readString(keys.resolve("client"));
		// Read by sshd as the account logging in.
		Path shared = Files.createDirectory(this.dir.resolve("shared"));
		Files.copy(keys.resolve("client.pub"), shared.resolve("authorized_keys"));
		this.accounts.put(SshFleet.Shell.PLAIN, account("pwb" + run, "/bin/sh"));
		this.accounts.put(SshFleet.Shell.COSTLY, account("pwb" + run + "c", scripts.costlyShell().toString()));
	}

	/** Where sshd finds the client key of every account. */
	Path authorizedKeys() {
		return this.dir.resolve("shared/authorized_keys");
	}

	String user(SshFleet.Shell shell) {
		return this.accounts.get(shell);
	}

	String privateKey() {
		return this.privateKey;
	}

	Path privateKeyFile() {
		return this.dir.resolve("keys/client");
	}

	/**
	 * How often a script ran for each target as the account saw it, from its files named
	 * {@code prefix} and the target.
	 */
	Map<String, Integer> runs(SshFleet.Shell shell, String prefix) throws IOException {
		Map<String, Integer> counts = new HashMap<>();
		try (Stream<Path> files = Files.list(this.dir.resolve(this.accounts.get(shell)).resolve("state"))) {
			for (Path file : files.toList()) {
				String name = file.getFileName().toString();
				if (name.startsWith(prefix)) {
					counts.put(name.substring(prefix.length()), Files.readAllLines(file).size());
				}
			}
		}
		return counts;
	}

	/**
	 * Removes the accounts once their processes ended. Stop the servers first: the
	 * installers run detached from the sessions, and a connection's own sshd outlives the
	 * listener until its client leaves; the fleet's accounts run nothing else.
	 */
	@Override
	public void close() throws Exception {
		for (String account : this.accounts.values()) {
			for (ProcessHandle process : ProcessHandle.allProcesses()
				.filter(process -> process.info().user().orElse("").equals(account))
				.toList()) {
				try {
					process.onExit().get(5, TimeUnit.SECONDS);
				}
				catch (TimeoutException ex) {
					process.destroyForcibly();
				}
			}
			SetupCommand.run("userdel", "-f", account);
		}
	}

	/**
	 * An account of this fleet with its home under the fleet's directory; a password
	 * field of '*', since without one sshd takes the account for locked and refuses even
	 * keys.
	 */
	private String account(String name, String shell) throws Exception {
		Path home = this.dir.resolve(name);
		SetupCommand.run("useradd", "-M", "-d", home.toString(), "-s", shell, name);
		SetupCommand.run("usermod", "-p", "*", name);
		Files.createDirectories(home.resolve("state"));
		UserPrincipal owner = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(name);
		Files.setOwner(home, owner);
		Files.setOwner(home.resolve("state"), owner);
		return name;
	}

}
