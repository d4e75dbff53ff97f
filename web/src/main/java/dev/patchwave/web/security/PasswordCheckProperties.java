package dev.patchwave.web.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long a verified HTTP Basic user name and password are remembered
 * ({@code rememberFor}), and for how many pairs at most ({@code maxRemembered}).
 */
@ConfigurationProperties("patchwave.security.password-checks")
public record PasswordCheckProperties(@DefaultValue("PT2M") Duration rememberFor,
		@DefaultValue("10000") int maxRemembered) {

}
