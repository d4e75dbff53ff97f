package dev.patchwave.web.security;

/** What a person may do; each role includes the ones below it. */
public enum Role {

	VIEWER("Viewer"), OPERATOR("Operator"), CHANGE_MANAGER("Change manager"), ADMIN("Administrator");

	private final String title;

	Role(String title) {
		this.title = title;
	}

	public String authority() {
		return "ROLE_" + name();
	}

	/** The role as people call it. */
	public String title() {
		return this.title;
	}

}
