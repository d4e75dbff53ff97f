package dev.patchwave.web.token;

import java.time.Instant;

/**
 * A token as its owner sees it: never its secret. {@code status} is as of when it was
 * read.
 */
public record ApiToken(String id, String owner, String name, Instant createdAt, Instant expiresAt, Instant lastUsedAt,
		Instant revokedAt, String revokedBy, Status status) {

	public enum Status {

		ACTIVE, EXPIRED, REVOKED

	}

	static Status status(Instant expiresAt, Instant revokedAt, Instant now) {
		if (revokedAt != null) {
			return Status.REVOKED;
		}
		return now.isBefore(expiresAt) ? Status.ACTIVE : Status.EXPIRED;
	}

	boolean usableAt(Instant now) {
		return status(this.expiresAt, this.revokedAt, now) == Status.ACTIVE;
	}

	/** How people and the log recognise it without its secret: {@code pw_<id>_...}. */
	public String hint() {
		return TokenSecret.PREFIX + this.id + "_...";
	}

}
