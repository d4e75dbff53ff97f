package dev.patchwave.web.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.EstimationProbe;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Counts wrong passwords per user name and per client address in token buckets, and says
 * how long a sign-in must wait once either allowance is used up. Only failures take from
 * the allowance, so people who type their password right are never slowed down. The
 * buckets live in this node's memory, bounded, and forget keys unused for a window.
 */
@Component
class LoginThrottle {

	private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

	// bounds the memory an attacker inventing user names can make us spend
	private static final int MAX_KEYS = 100_000;

	private final LoginThrottleProperties properties;

	private final Cache<String, Bucket> buckets;

	LoginThrottle(LoginThrottleProperties properties) {
		this.properties = properties;
		this.buckets = Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterAccess(properties.window()).build();
	}

	/**
	 * How long a sign-in as {@code user} from {@code address} must wait, or empty if it
	 * may go ahead.
	 */
	Optional<Duration> waitBeforeSignIn(String user, String address) {
		long nanos = Math.max(wait(userKey(user)), wait(addressKey(address)));
		return nanos > 0 ? Optional.of(Duration.ofNanos(nanos)) : Optional.empty();
	}

	@EventListener
	void onWrongPassword(AuthenticationFailureBadCredentialsEvent event) {
		String user = event.getAuthentication().getName();
		String address = event.getAuthentication().getDetails() instanceof WebAuthenticationDetails details
				? details.getRemoteAddress() : "unknown";
		bucket(userKey(user)).tryConsume(1);
		bucket(addressKey(address)).tryConsume(1);
		// the name is the client's: no line breaks or other control characters into the
		// log
		log.warn("Wrong password for user '{}' from {}", user.replaceAll("\\p{Cntrl}", "?"), address);
	}

	private long wait(String key) {
		Bucket bucket = this.buckets.getIfPresent(key);
		if (bucket == null) {
			return 0;
		}
		EstimationProbe probe = bucket.estimateAbilityToConsume(1);
		return probe.canBeConsumed() ? 0 : probe.getNanosToWaitForRefill();
	}

	private Bucket bucket(String key) {
		return this.buckets.get(key, name -> {
			int failures = name.startsWith("user:") ? this.properties.failuresPerUser()
					: this.properties.failuresPerAddress();
			return Bucket.builder()
				.addLimit(
						Bandwidth.builder().capacity(failures).refillGreedy(failures, this.properties.window()).build())
				.build();
		});
	}

	private static String userKey(String user) {
		return "user:" + user.toLowerCase(Locale.ROOT);
	}

	private static String addressKey(String address) {
		return "address:" + address;
	}

}
