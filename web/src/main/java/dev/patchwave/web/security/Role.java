package dev.patchwave.web.security;

/** What a person may do; each role includes the ones below it. */
public enum Role {

	VIEWER, OPERATOR, CHANGE_MANAGER, ADMIN;

	public String authority() {
		return "ROLE_" + name();
	}

}
