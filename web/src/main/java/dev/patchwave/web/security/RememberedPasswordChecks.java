package dev.patchwave.web.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.authentication.AccountStatusUserDetailsChecker;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsChecker;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * HTTP Basic sends the password with every API request, and bcrypt spends tens of
 * milliseconds of CPU on each check by design: a few busy clients kept the cores from
 * everything else. A user name and password that bcrypt has verified are remembered for a
 * short while, under an HMAC of the pair with a key that exists only in this process's
 * memory (never the password itself), next to the encoded password they matched. A
 * remembered pair signs in only while the user still exists with that same encoded
 * password and may sign in; the roles are read afresh each time. Failures are never
 * remembered: every wrong password goes to bcrypt and counts against the login throttle.
 */
final class RememberedPasswordChecks implements AuthenticationProvider {

	private final DaoAuthenticationProvider bcrypt;

	private final UserDetailsService users;

	private final UserDetailsChecker accountStatus = new AccountStatusUserDetailsChecker();

	/** The encoded password each verified pair matched, by the pair's HMAC. */
	private final Cache<String, String> verified;

	private final SecretKeySpec key;

	RememberedPasswordChecks(UserDetailsService users, PasswordEncoder encoder, PasswordCheckProperties properties) {
		this.bcrypt = new DaoAuthenticationProvider(users);
		this.bcrypt.setPasswordEncoder(encoder);
		this.users = users;
		this.verified = Caffeine.newBuilder()
			.maximumSize(properties.maxRemembered())
			.expireAfterWrite(properties.rememberFor())
			.build();
		byte[] secret = new byte[32];
		new SecureRandom().nextBytes(secret);
		this.key = new SecretKeySpec(secret, "HmacSHA256");
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		if (authentication.getCredentials() == null) {
			return this.bcrypt.authenticate(authentication);
		}
		String pair = fingerprint(authentication.getName(), authentication.getCredentials().toString());
		Optional<UserDetails> remembered = remembered(pair, authentication.getName());
		if (remembered.isPresent()) {
			UserDetails user = remembered.get();
			return UsernamePasswordAuthenticationToken.authenticated(user, null, user.getAuthorities());
		}
		Authentication signedIn = this.bcrypt.authenticate(authentication);
		if (signedIn.getPrincipal() instanceof UserDetails user && user.getPassword() != null) {
			this.verified.put(pair, user.getPassword());
		}
		return signedIn;
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return this.bcrypt.supports(authentication);
	}

	private Optional<UserDetails> remembered(String pair, String name) {
		String encodedPassword = this.verified.getIfPresent(pair);
		if (encodedPassword == null) {
			return Optional.empty();
		}
		try {
			UserDetails user = this.users.loadUserByUsername(name);
			if (encodedPassword.equals(user.getPassword())) {
				this.accountStatus.check(user);
				return Optional.of(user);
			}
		}
		catch (UsernameNotFoundException ex) {
			// removed since: forget the pair below, and let bcrypt refuse it as usual
		}
		this.verified.invalidate(pair);
		return Optional.empty();
	}

	private String fingerprint(String name, String password) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(this.key);
			// the name's length first, so that no other split of the same characters
			// matches
			mac.update((name.length() + ":" + name).getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Every Java runtime has HmacSHA256", ex);
		}
	}

}
