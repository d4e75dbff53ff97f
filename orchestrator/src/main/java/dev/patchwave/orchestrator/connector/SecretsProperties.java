package dev.patchwave.orchestrator.connector;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the key that encrypts connector secrets comes from: {@code key} (base64 of 32
 * bytes, e.g. from the environment variable PATCHWAVE_SECRETS_KEY) or else the file
 * {@code keyFile}, created with a new random key on first start when missing.
 */
@ConfigurationProperties("patchwave.secrets")
public record SecretsProperties(String key, @DefaultValue("./data/secret.key") Path keyFile) {

	@Override
	public String toString() {
		return "SecretsProperties[key=%s, keyFile=%s]".formatted(this.key == null ? "unset" : "set", this.keyFile);
	}

}
