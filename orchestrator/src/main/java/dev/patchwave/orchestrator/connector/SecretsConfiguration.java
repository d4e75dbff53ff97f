package dev.patchwave.orchestrator.connector;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class SecretsConfiguration {

	@Bean
	SecretCipher secretCipher(SecretsProperties properties) {
		return SecretKeys.cipher(properties);
	}

	@Bean
	SecretRotation secretRotation(SecretsProperties properties) {
		return new SecretRotation(SecretKeys.previous(properties));
	}

}
