package dev.patchwave.orchestrator.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

	private final SecretCipher cipher = new SecretCipher(key((byte) 7));

	@Test
	void roundTripsWithoutTheClearTextInTheStoredValue() {
		String stored = this.cipher.encrypt("awx-token-s3cr3t", "awx-prod/token");

		assertThat(stored).startsWith("aesgcm1:").doesNotContain("s3cr3t");
		assertThat(this.cipher.decrypt(stored, "awx-prod/token")).isEqualTo("awx-token-s3cr3t");
	}

	@Test
	void sameSecretEncryptsDifferentlyEachTime() {
		assertThat(this.cipher.encrypt("x", "a/b")).isNotEqualTo(this.cipher.encrypt("x", "a/b"));
	}

	@Test
	void valueMovedToAnotherConnectorDoesNotDecrypt() {
		String stored = this.cipher.encrypt("awx-token-s3cr3t", "awx-prod/token");

		assertThatThrownBy(() -> this.cipher.decrypt(stored, "awx-lab/token")).isInstanceOf(IllegalStateException.class)
			.hasMessageNotContaining("s3cr3t");
	}

	@Test
	void wrongKeyDoesNotDecrypt() {
		String stored = this.cipher.encrypt("awx-token-s3cr3t", "awx-prod/token");

		assertThatThrownBy(() -> new SecretCipher(key((byte) 8)).decrypt(stored, "awx-prod/token"))
			.isInstanceOf(IllegalStateException.class);
	}

	@Test
	void refusesKeysOfTheWrongLength() {
		assertThatThrownBy(() -> new SecretCipher(new byte[16])).hasMessageContaining("32 bytes");
	}

	private static byte[] key(byte fill) {
		byte[] key = new byte[32];
		Arrays.fill(key, fill);
		return key;
	}

}
