package dev.patchwave.web.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.patchwave.orchestrator.InvalidInputException;
import dev.patchwave.orchestrator.InvalidInputException.FieldProblem;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.web.token.ApiTokenStore.StoredToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;

/**
 * Personal API tokens: created by a signed-in person, who sees the secret once; kept as a
 * hash; verified on every API request that carries one, cheaply: a token verified lately
 * is remembered for a short while, and its last use is written at most once a minute.
 */
@Service
@EnableConfigurationProperties(ApiTokenProperties.class)
public class ApiTokens {

	private static final Logger log = LoggerFactory.getLogger(ApiTokens.class);

	// the column's width
	private static final int NAME_LIMIT = 100;

	// bounds the memory that tokens in use take on this node
	private static final int MAX_REMEMBERED = 10_000;

	private final ApiTokenStore store;

	private final ApiTokenProperties properties;

	private final Clock clock;

	/** Rows of tokens verified lately, by id; only tokens that exist get in. */
	private final Cache<String, StoredToken> remembered;

	/** Tokens whose last use was written lately, by id. */
	private final Cache<String, Boolean> recentlyUsed;

	ApiTokens(ApiTokenStore store, ApiTokenProperties properties, Clock clock) {
		this.store = store;
		this.properties = properties;
		this.clock = clock;
		this.remembered = Caffeine.newBuilder()
			.maximumSize(MAX_REMEMBERED)
			.expireAfterWrite(properties.rememberFor())
			.build();
		this.recentlyUsed = Caffeine.newBuilder()
			.maximumSize(MAX_REMEMBERED)
			.expireAfterWrite(properties.lastUsedEvery())
			.build();
	}

	public IssuedToken create(String owner, TokenRequest request) {
		Duration lifetime = request.expiresIn() == null ? this.properties.defaultLifetime() : request.expiresIn();
		String name = request.name() == null ? "" : request.name().strip();
		List<FieldProblem> problems = new ArrayList<>();
		if (name.isEmpty() || name.length() > NAME_LIMIT || name.chars().anyMatch(Character::isISOControl)) {
			problems.add(new FieldProblem("name",
					"say what the token is for in 1 to %d characters, without control characters"
						.formatted(NAME_LIMIT)));
		}
		if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(this.properties.maxLifetime()) > 0) {
			problems.add(new FieldProblem("expiresIn",
					"must be more than zero and at most %s".formatted(this.properties.maxLifetime())));
		}
		if (!problems.isEmpty()) {
			throw new InvalidInputException(problems);
		}
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
		TokenSecret secret = TokenSecret.issue();
		ApiToken token = new ApiToken(secret.id(), owner, name, now, now.plus(lifetime), null, null, null,
				ApiToken.Status.ACTIVE);
		this.store.insert(token, secret.hash());
		log.info("API token {} '{}' created by {}, expires {}", token.hint(), name, owner, token.expiresAt());
		return new IssuedToken(token.id(), name, token.createdAt(), token.expiresAt(), secret.value());
	}

	/** The owner's tokens, or everybody's when {@code owner} is null; newest first. */
	public List<ApiToken> list(String owner) {
		return this.store.list(owner);
	}

	/**
	 * Revokes a token of the actor's, or anybody's for an admin. Someone else's token is
	 * not found, as if it did not exist. Revoking a revoked token changes nothing.
	 */
	public void revoke(String id, String actor, boolean admin) {
		StoredToken stored = this.store.find(id)
			.filter(found -> admin || found.token().owner().equals(actor))
			.orElseThrow(() -> new NotFoundException("API token", id));
		if (this.store.revoke(id, actor, this.clock.instant())) {
			log.info("API token {} '{}' of {} revoked by {}", stored.token().hint(), stored.token().name(),
					stored.token().owner(), actor);
		}
		this.remembered.invalidate(id);
	}

	/**
	 * The token that {@code presented} is, if it is one and may be used now: not expired,
	 * not revoked (on another node: up to {@code rememberFor} ago).
	 */
	public Optional<ApiToken> verify(String presented) {
		Optional<TokenSecret> secret = TokenSecret.parse(presented);
		if (secret.isEmpty()) {
			return Optional.empty();
		}
		StoredToken stored = this.remembered.get(secret.get().id(), id -> this.store.find(id).orElse(null));
		Instant now = this.clock.instant();
		if (stored == null || !secret.get().matches(stored.secretHash()) || !stored.token().usableAt(now)) {
			return Optional.empty();
		}
		if (this.recentlyUsed.asMap().putIfAbsent(stored.token().id(), Boolean.TRUE) == null) {
			this.store.recordUse(stored.token().id(), now);
		}
		return Optional.of(stored.token());
	}

}
