package dev.patchwave.web.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The people who may use Patchwave outside demo mode. There is no default user and no
 * default password: each entry's password is a Spring Security encoded value such as
 * {@code {bcrypt}$2a$10$...}.
 */
@ConfigurationProperties("patchwave.security")
public record AccessProperties(@DefaultValue List<User> users) {

	public record User(String name, String password, Role role) {

		@Override
		public String toString() {
			return "User[name=%s, role=%s]".formatted(this.name, this.role);
		}

	}

}
