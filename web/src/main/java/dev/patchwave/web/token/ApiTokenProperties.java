package dev.patchwave.web.token;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long API tokens live and how their use is remembered: {@code defaultLifetime} when
 * the creator names none, at most {@code maxLifetime} (no token lives for ever: a token
 * forgotten in a script should stop working by itself); a verified token is remembered
 * for {@code rememberFor}, so revoking it on another node takes at most that long to
 * reach this one; its last use is written at most once every {@code lastUsedEvery}.
 */
@ConfigurationProperties("patchwave.security.api-tokens")
public record ApiTokenProperties(@DefaultValue("P90D") Duration defaultLifetime,
		@DefaultValue("P365D") Duration maxLifetime, @DefaultValue("PT30S") Duration rememberFor,
		@DefaultValue("PT1M") Duration lastUsedEvery) {

}
