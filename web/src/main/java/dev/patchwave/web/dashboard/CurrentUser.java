package dev.patchwave.web.dashboard;

import dev.patchwave.web.security.Role;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * The signed-in person as the pages need them: a name, the highest role, and what they
 * may do. Roles are read through the hierarchy, so a change manager or an admin counts as
 * an operator.
 */
public record CurrentUser(String name, Role role, boolean operator, boolean changeManager, boolean admin) {

	public static CurrentUser of(Authentication authentication, RoleHierarchy hierarchy) {
		Set<String> reachable = hierarchy.getReachableGrantedAuthorities(authentication.getAuthorities())
			.stream()
			.map(GrantedAuthority::getAuthority)
			.collect(Collectors.toSet());
		Role highest = null;
		for (Role role : Role.values()) {
			if (reachable.contains(role.authority())) {
				highest = role;
			}
		}
		return new CurrentUser(authentication.getName(), highest, reachable.contains(Role.OPERATOR.authority()),
				reachable.contains(Role.CHANGE_MANAGER.authority()), reachable.contains(Role.ADMIN.authority()));
	}

}
