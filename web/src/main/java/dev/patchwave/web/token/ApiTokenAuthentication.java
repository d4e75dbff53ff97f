package dev.patchwave.web.token;

import java.util.Collection;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;

/**
 * A request signed in with an API token: it acts as the token's owner, with the roles the
 * owner has now. Its name is the owner's, so the journal records the person.
 */
public final class ApiTokenAuthentication extends AbstractAuthenticationToken {

	private final String owner;

	private final String tokenId;

	ApiTokenAuthentication(String owner, String tokenId, Collection<? extends GrantedAuthority> authorities) {
		super(authorities);
		this.owner = owner;
		this.tokenId = tokenId;
		setAuthenticated(true);
	}

	@Override
	public Object getPrincipal() {
		return this.owner;
	}

	/** Never the secret: it is not kept once verified. */
	@Override
	public Object getCredentials() {
		return null;
	}

	public String tokenId() {
		return this.tokenId;
	}

}
