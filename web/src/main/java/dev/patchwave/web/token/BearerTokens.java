package dev.patchwave.web.token;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.authentication.AccountStatusUserDetailsChecker;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsChecker;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.stereotype.Component;

/**
 * Signs API requests in by {@code Authorization: Bearer <token>}: reads the header, and
 * verifies the token as its owner with the roles the owner has now, so an owner removed
 * or demoted takes the token's power along. Not an {@code AuthenticationProvider} bean:
 * Spring Security would make that the only way to sign in everywhere, the sign-in form
 * included.
 */
@Component
public class BearerTokens {

	private static final String SCHEME = "Bearer ";

	private final ApiTokens tokens;

	private final UserDetailsService users;

	private final UserDetailsChecker accountStatus = new AccountStatusUserDetailsChecker();

	BearerTokens(ApiTokens tokens, UserDetailsService users) {
		this.tokens = tokens;
		this.users = users;
	}

	/**
	 * The filter that signs a request with a bearer token in, and answers a token that
	 * does not sign anybody in through {@code refused}; requests without one pass on.
	 */
	public AuthenticationFilter filter(AuthenticationEntryPoint refused) {
		AuthenticationFilter filter = new AuthenticationFilter(this::authenticate, this::presented);
		// signed in, the request goes on to its controller: no redirect to a saved page
		filter.setSuccessHandler((request, response, authentication) -> {
		});
		filter.setFailureHandler(new AuthenticationEntryPointFailureHandler(refused));
		return filter;
	}

	private Authentication presented(HttpServletRequest request) {
		String authorization = request.getHeader("Authorization");
		if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
			return null;
		}
		return new PresentedToken(authorization.substring(SCHEME.length()).trim());
	}

	private Authentication authenticate(Authentication presented) throws AuthenticationException {
		ApiToken token = this.tokens.verify((String) presented.getCredentials())
			.orElseThrow(() -> new InvalidApiTokenException("The API token is unknown, expired or revoked."));
		UserDetails owner;
		try {
			owner = this.users.loadUserByUsername(token.owner());
		}
		catch (UsernameNotFoundException ex) {
			throw new InvalidApiTokenException("The API token's owner can no longer sign in.");
		}
		this.accountStatus.check(owner);
		return new ApiTokenAuthentication(owner.getUsername(), token.id(), owner.getAuthorities());
	}

	/** A token that signs nobody in; its message is the answer's detail. */
	public static final class InvalidApiTokenException extends AuthenticationException {

		InvalidApiTokenException(String message) {
			super(message);
		}

	}

}
