package dev.patchwave.orchestrator.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretKeysTest {

	@TempDir
	Path dir;

	@Test
	void createsAKeyFileReadableByItsOwnerOnlyAndReadsTheSameKeyNextTime() throws Exception {
		Path file = this.dir.resolve("data/secret.key");

		SecretCipher first = SecretKeys.cipher(new SecretsProperties(null, file, null));
		String stored = first.encrypt("token", "awx/token");
		SecretCipher second = SecretKeys.cipher(new SecretsProperties(null, file, null));

		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(second.decrypt(stored, "awx/token")).isEqualTo("token");
		try (var files = Files.list(file.getParent())) {
			assertThat(files).containsExactly(file);
		}
	}

	@Test
	void aKeyGivenOutrightWinsOverTheFile() {
		String key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
		Path file = this.dir.resolve("never-written.key");

		SecretCipher cipher = SecretKeys.cipher(new SecretsProperties(key, file, null));

		assertThat(
				cipher.decrypt(new SecretCipher(java.util.Base64.getDecoder().decode(key)).encrypt("x", "a/b"), "a/b"))
			.isEqualTo("x");
		assertThat(file).doesNotExist();
	}

	@Test
	void aKeyThatIsNotBase64IsRefusedSayingWhere() {
		assertThatThrownBy(() -> SecretKeys.cipher(new SecretsProperties("not base64!", this.dir.resolve("k"), null)))
			.hasMessageContaining("patchwave.secrets.key");
	}

}
