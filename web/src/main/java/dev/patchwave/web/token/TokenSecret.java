package dev.patchwave.web.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An API token as sent: {@code pw_<id>_<secret>}. The prefix lets people and secret
 * scanners recognise it; the id is its public part, by which the stored row is found; the
 * secret is 43 random letters and digits (256 bits), so a fast hash is as safe to store
 * as a slow one would be: nobody can guess their way back to it.
 */
record TokenSecret(String id, String value) {

	static final String PREFIX = "pw_";

	private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	private static final int ID_LENGTH = 12;

	private static final int SECRET_LENGTH = 43;

	private static final Pattern FORMAT = Pattern
		.compile("pw_([A-Za-z0-9]{%d})_[A-Za-z0-9]{%d}".formatted(ID_LENGTH, SECRET_LENGTH));

	private static final SecureRandom RANDOM = new SecureRandom();

	static TokenSecret issue() {
		String id = random(ID_LENGTH);
		return new TokenSecret(id, PREFIX + id + "_" + random(SECRET_LENGTH));
	}

	/** The token in {@code presented}, or empty if it is not one of ours. */
	static Optional<TokenSecret> parse(String presented) {
		Matcher matcher = FORMAT.matcher(presented);
		return matcher.matches() ? Optional.of(new TokenSecret(matcher.group(1), presented)) : Optional.empty();
	}

	/** What is stored instead of the token: hex of its SHA-256. */
	String hash() {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(this.value.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has SHA-256", ex);
		}
	}

	/**
	 * Whether {@code storedHash} is this token's, in time independent of where they
	 * differ.
	 */
	boolean matches(String storedHash) {
		return MessageDigest.isEqual(hash().getBytes(StandardCharsets.US_ASCII),
				storedHash.getBytes(StandardCharsets.US_ASCII));
	}

	@Override
	public String toString() {
		return PREFIX + this.id + "_...";
	}

	private static String random(int length) {
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			text.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
		}
		return text.toString();
	}

}
