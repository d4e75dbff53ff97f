package dev.patchwave.web.api;

import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiProperties.class)
class ApiConfiguration {

	/**
	 * Before everything else, security included, so no filter reads an oversized body.
	 */
	@Bean
	FilterRegistrationBean<BodySizeLimit> bodySizeLimit(ApiProperties properties) {
		FilterRegistrationBean<BodySizeLimit> registration = new FilterRegistrationBean<>(
				new BodySizeLimit(properties.maxBodySize().toBytes(),
						Map.of(TargetController.IMPORT_PATH, properties.maxImportSize().toBytes())));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

}
