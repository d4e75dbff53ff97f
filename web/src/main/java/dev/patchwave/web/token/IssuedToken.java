package dev.patchwave.web.token;

import java.time.Instant;

/**
 * The answer to creating a token: the only time its secret is shown. {@code toString}
 * leaves the secret out, for whatever logs the value.
 */
public record IssuedToken(String id, String name, Instant createdAt, Instant expiresAt, String token) {

	@Override
	public String toString() {
		return "IssuedToken[id=%s, name=%s, expiresAt=%s]".formatted(this.id, this.name, this.expiresAt);
	}

}
