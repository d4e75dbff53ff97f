package dev.patchwave.web.api;

import dev.patchwave.orchestrator.NotPermittedException;
import dev.patchwave.web.security.Role;
import dev.patchwave.web.token.ApiToken;
import dev.patchwave.web.token.ApiTokenAuthentication;
import dev.patchwave.web.token.ApiTokens;
import dev.patchwave.web.token.IssuedToken;
import dev.patchwave.web.token.TokenRequest;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Personal API tokens of the person signed in. Only with a password (or the dashboard's
 * session): a token that could create tokens would let whoever holds it outlive its
 * expiry and its revocation.
 */
@RestController
@RequestMapping("/api/v1/tokens")
class TokenController {

	private final ApiTokens tokens;

	private final RoleHierarchy roles;

	TokenController(ApiTokens tokens, RoleHierarchy roles) {
		this.tokens = tokens;
		this.roles = roles;
	}

	@PostMapping
	ResponseEntity<IssuedToken> create(@RequestBody TokenRequest request, Authentication user) {
		IssuedToken issued = this.tokens.create(signedInWithPassword(user), request);
		return ResponseEntity.created(URI.create("/api/v1/tokens/" + issued.id())).body(issued);
	}

	/** The caller's tokens; with {@code all=true}, an admin's view of everybody's. */
	@GetMapping
	List<ApiToken> list(@RequestParam(defaultValue = "false") boolean all, Authentication user) {
		String owner = signedInWithPassword(user);
		if (all && !isAdmin(user)) {
			throw new NotPermittedException("all", "Only administrators see everybody's tokens.");
		}
		return this.tokens.list(all ? null : owner);
	}

	@DeleteMapping("/{id}")
	ResponseEntity<Void> revoke(@PathVariable String id, Authentication user) {
		this.tokens.revoke(id, signedInWithPassword(user), isAdmin(user));
		return ResponseEntity.noContent().build();
	}

	private static String signedInWithPassword(Authentication user) {
		if (user instanceof ApiTokenAuthentication) {
			throw new NotPermittedException("Authorization",
					"API tokens cannot create, list or revoke API tokens: sign in with your password.");
		}
		return user.getName();
	}

	private boolean isAdmin(Authentication user) {
		return this.roles.getReachableGrantedAuthorities(user.getAuthorities())
			.stream()
			.map(GrantedAuthority::getAuthority)
			.anyMatch(Role.ADMIN.authority()::equals);
	}

}
