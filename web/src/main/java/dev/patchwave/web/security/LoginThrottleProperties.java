package dev.patchwave.web.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many wrong passwords are tolerated within {@code window}: per user name
 * ({@code failuresPerUser}, 5) and per client address ({@code failuresPerAddress}, 20).
 * Once either is used up, sign-ins for that name or from that address are refused with
 * 429 until the allowance refills, one attempt every window / failures.
 */
@ConfigurationProperties("patchwave.security.login-throttle")
public record LoginThrottleProperties(@DefaultValue("5") int failuresPerUser,
		@DefaultValue("20") int failuresPerAddress, @DefaultValue("PT15M") Duration window) {

}
