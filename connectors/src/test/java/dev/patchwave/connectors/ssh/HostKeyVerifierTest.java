package dev.patchwave.connectors.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.PublicKey;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;

class HostKeyVerifierTest {

	private static final HostPort WEB_1 = new HostPort("web-1", 22);

	private static final HostPort WEB_2 = new HostPort("10.0.0.2", 2222);

	private final PublicKey web1Key = newKey();

	private final PublicKey web2Key = newKey();

	private final PublicKey impostorKey = newKey();

	private final KnownHosts knownHosts = KnownHosts.parse("""
			# the fleet
			web-1 %s
			[10.0.0.2]:2222 %s
			""".formatted(PublicKeyEntry.toString(this.web1Key), PublicKeyEntry.toString(this.web2Key)));

	@Test
	void strictTrustsOnlyTheKeysKnownHostsListsForEachHost() {
		HostKeyVerifier strict = new HostKeyVerifier(this.knownHosts, false);

		assertThat(strict.trusts(WEB_1, this.web1Key)).isTrue();
		assertThat(strict.trusts(WEB_2, this.web2Key)).isTrue();
		assertThat(strict.trusts(WEB_1, this.web2Key)).isFalse();
		assertThat(strict.trusts(new HostPort("10.0.0.2", 22), this.web2Key)).isFalse();
		assertThat(strict.trusts(new HostPort("web-3", 22), this.impostorKey)).isFalse();
	}

	@Test
	void trustOnFirstUseRemembersTheFirstKeyAndRefusesAnotherLater() {
		HostKeyVerifier trusting = new HostKeyVerifier(this.knownHosts, true);
		HostPort web3 = new HostPort("web-3", 22);

		assertThat(trusting.trusts(web3, this.impostorKey)).isTrue();
		assertThat(trusting.trusts(web3, this.impostorKey)).isTrue();
		assertThat(trusting.trusts(web3, this.web1Key)).isFalse();
	}

	@Test
	void trustOnFirstUseNeverOverridesWhatKnownHostsSays() {
		HostKeyVerifier trusting = new HostKeyVerifier(this.knownHosts, true);

		assertThat(trusting.trusts(WEB_1, this.impostorKey)).isFalse();
		assertThat(trusting.trusts(WEB_1, this.web1Key)).isTrue();
	}

	@Test
	void revokedKeyIsRefusedEvenWhereItWouldBeTrustedOnFirstUse() {
		KnownHosts revoking = KnownHosts.parse("@revoked * " + PublicKeyEntry.toString(this.impostorKey) + "\n"
				+ "web-1 " + PublicKeyEntry.toString(this.web1Key));
		HostKeyVerifier trusting = new HostKeyVerifier(revoking, true);

		assertThat(trusting.trusts(new HostPort("web-3", 22), this.impostorKey)).isFalse();
		assertThat(trusting.trusts(WEB_1, this.web1Key)).isTrue();
	}

	private static PublicKey newKey() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(256);
			return generator.generateKeyPair().getPublic();
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
