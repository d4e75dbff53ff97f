package dev.patchwave.orchestrator.connector;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts connector secrets for storage with AES-256-GCM. Each value gets a fresh 96-bit
 * nonce, and the place it belongs to (connector and setting name) is bound in as
 * associated data, so a ciphertext copied into another connector's row does not decrypt.
 */
public final class SecretCipher {

	static final String PREFIX = "aesgcm1:";

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private final SecretKey key;

	private final SecureRandom random = new SecureRandom();

	public SecretCipher(byte[] key) {
		if (key.length != 32) {
			throw new IllegalArgumentException(
					"the secret key must be 32 bytes (256 bits), base64-encoded; got %d bytes".formatted(key.length));
		}
		this.key = new SecretKeySpec(key.clone(), "AES");
	}

	public String encrypt(String plaintext, String boundTo) {
		byte[] nonce = new byte[NONCE_BYTES];
		this.random.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
			byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
			return PREFIX + Base64.getEncoder()
				.encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Could not encrypt a secret", ex);
		}
	}

	/** Whether this key reads the stored value, as bound. */
	public boolean canDecrypt(String stored, String boundTo) {
		try {
			decrypt(stored, boundTo);
			return true;
		}
		catch (IllegalStateException | IllegalArgumentException ex) {
			return false;
		}
	}

	public String decrypt(String stored, String boundTo) {
		if (!stored.startsWith(PREFIX)) {
			throw new IllegalArgumentException("not an encrypted secret");
		}
		byte[] data = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, data, 0, NONCE_BYTES));
			cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
			return new String(cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES), StandardCharsets.UTF_8);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(
					"A stored secret of %s could not be decrypted: wrong key, or the value was tampered with"
						.formatted(boundTo));
		}
	}

}
