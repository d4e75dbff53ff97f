package dev.patchwave.common.connector;

/**
 * A connector setting that is missing or wrong; carries the setting's name for the error
 * shown to users.
 */
public class InvalidConnectorConfigException extends RuntimeException {

	private final String setting;

	public InvalidConnectorConfigException(String setting, String reason) {
		super(reason);
		this.setting = setting;
	}

	public String setting() {
		return this.setting;
	}

}
