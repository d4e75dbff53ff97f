package dev.patchwave.connectors.ssh;

import dev.patchwave.common.connector.ConnectorCheck;
import dev.patchwave.connectors.resilience.InfrastructureException;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * The ssh connector's own checks, for an operator testing its settings: the key, the
 * command templates, and a login to the test host when one is set.
 */
final class SelfTest {

	private final SshSettings settings;

	private final PatchCommands patchCommands;

	private final TargetCalls calls;

	SelfTest(SshSettings settings, PatchCommands patchCommands, TargetCalls calls) {
		this.settings = settings;
		this.patchCommands = patchCommands;
		this.calls = calls;
	}

	/**
	 * The checks in order; overrides were checked when the connector was created, so only
	 * catalog steps seen since can be unusable.
	 */
	List<ConnectorCheck> run() {
		List<ConnectorCheck> results = new ArrayList<>();
		results.add(ConnectorCheck.passed("private key", "a readable %s key for user %s"
			.formatted(KeyUtils.getKeyType(this.settings.key()), this.settings.user())));
		String templates = "%d overrides and the catalog steps used so far name only known variables";
		results.add(this.patchCommands.catalogProblems().isEmpty()
				? ConnectorCheck.passed("command templates", templates.formatted(this.settings.overrides().size()))
				: ConnectorCheck.failed("command templates", String.join("; ", this.patchCommands.catalogProblems())));
		if (this.settings.testHost() != null) {
			results.add(login(this.settings.testHost()));
		}
		return results;
	}

	private ConnectorCheck login(HostPort host) {
		try {
			this.calls.logIn(host);
			return ConnectorCheck.passed("login", "logged in to %s as %s".formatted(host, this.settings.user()));
		}
		catch (SshFailure | InfrastructureException ex) {
			return ConnectorCheck.failed("login",
					"could not log in to %s as %s: %s".formatted(host, this.settings.user(), ex.getMessage()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return ConnectorCheck.failed("login", "the ssh connector closed before logging in to " + host);
		}
	}

}
