package dev.patchwave.common.connector;

/**
 * One check of a connector's configuration against the real system: what was checked, and
 * the problem if any.
 */
public record ConnectorCheck(String name, boolean ok, String detail) {

	public static ConnectorCheck passed(String name, String detail) {
		return new ConnectorCheck(name, true, detail);
	}

	public static ConnectorCheck failed(String name, String detail) {
		return new ConnectorCheck(name, false, detail);
	}

}
