package dev.patchwave.orchestrator.connector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the secret key: given outright, read from its file, or made once and written
 * there.
 */
final class SecretKeys {

	private static final Logger log = LoggerFactory.getLogger(SecretKeys.class);

	private SecretKeys() {
	}

	static SecretCipher cipher(SecretsProperties properties) {
		if (properties.key() != null && !properties.key().isBlank()) {
			return new SecretCipher(decode(properties.key(), "patchwave.secrets.key"));
		}
		Path file = properties.keyFile();
		try {
			if (!Files.exists(file)) {
				create(file);
			}
			return new SecretCipher(decode(Files.readString(file, StandardCharsets.US_ASCII), file.toString()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read or create the secret key file " + file, ex);
		}
	}

	/** The key being rotated away from, if one is given. */
	static Optional<SecretCipher> previous(SecretsProperties properties) {
		if (properties.previousKey() == null || properties.previousKey().isBlank()) {
			return Optional.empty();
		}
		return Optional.of(new SecretCipher(decode(properties.previousKey(), "patchwave.secrets.previous-key")));
	}

	private static void create(Path file) throws IOException {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		Path parent = file.toAbsolutePath().getParent();
		Files.createDirectories(parent);
		// written whole to a file of its own first, so no reader ever sees a key file
		// half written
		Path partial = Files.createTempFile(parent, "secret", ".partial",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		Files.writeString(partial, Base64.getEncoder().encodeToString(key), StandardCharsets.US_ASCII);
		try {
			Files.move(partial, file);
		}
		catch (FileAlreadyExistsException ex) {
			Files.delete(partial);
			return;
		}
		log.info(
				"Created a new key for connector secrets at {}; keep it safe and back it up: stored secrets cannot be read without it",
				file);
	}

	private static byte[] decode(String base64, String source) {
		try {
			return Base64.getDecoder().decode(base64.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("The secret key in " + source + " is not valid base64");
		}
	}

}
