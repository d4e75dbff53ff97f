package dev.patchwave.orchestrator.connector;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the key that encrypts connector secrets comes from: {@code key} (base64 of 32
 * bytes, e.g. from the environment variable PATCHWAVE_SECRETS_KEY) or else the file
 * {@code keyFile}, created with a new random key on first start when missing. Every node
 * of a cluster needs the same key. To rotate it, give the new one as {@code key} and the
 * old one as {@code previousKey}: at start, secrets only the old key reads are encrypted
 * again with the new one.
 */
@ConfigurationProperties("patchwave.secrets")
public record SecretsProperties(String key, @DefaultValue("./data/secret.key") Path keyFile, String previousKey) {

	@Override
	public String toString() {
		return "SecretsProperties[key=%s, keyFile=%s, previousKey=%s]".formatted(this.key == null ? "unset" : "set",
				this.keyFile, this.previousKey == null ? "unset" : "set");
	}

}
