package dev.patchwave.web.token;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * What a request offers as {@code Authorization: Bearer ...}, not yet verified. The
 * secret is its credentials, which Spring Security's {@code toString} leaves out; its
 * name is empty, so nothing that logs the name of a failed sign-in logs the secret.
 */
final class PresentedToken extends AbstractAuthenticationToken {

	private final String secret;

	PresentedToken(String secret) {
		super(List.of());
		this.secret = secret;
	}

	@Override
	public Object getPrincipal() {
		return "";
	}

	@Override
	public Object getCredentials() {
		return this.secret;
	}

}
