package dev.patchwave.web.security;

import dev.patchwave.web.demo.DemoProperties;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/** The configured users, plus one demo login per role in demo mode. */
@Configuration(proxyBeanMethods = false)
class Users {

	private static final Logger log = LoggerFactory.getLogger(Users.class);

	private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	InMemoryUserDetailsManager userDetailsService(AccessProperties access, DemoProperties demo,
			PasswordEncoder encoder) {
		List<UserDetails> users = new ArrayList<>();
		for (AccessProperties.User user : access.users()) {
			users.add(User.withUsername(user.name()).password(user.password()).roles(user.role().name()).build());
		}
		if (demo.enabled()) {
			String password = (demo.password() == null || demo.password().isBlank()) ? randomPassword()
					: demo.password();
			String encoded = encoder.encode(password);
			for (Role role : Role.values()) {
				String name = role == Role.CHANGE_MANAGER ? "manager" : role.name().toLowerCase();
				users.add(User.withUsername(name).password(encoded).roles(role.name()).build());
			}
			printDemoLogins(password);
		}
		if (users.isEmpty()) {
			log.warn("No users are configured: nobody can sign in. Set patchwave.security.users or run the demo.");
		}
		return new InMemoryUserDetailsManager(users);
	}

	// The demo password goes to the console only, once, so whoever started the demo can
	// sign in.
	private static void printDemoLogins(String password) {
		System.out.printf("%n  Patchwave demo logins: admin, manager, operator, viewer%n  Password for all: %s%n%n",
				password);
	}

	private static String randomPassword() {
		SecureRandom random = new SecureRandom();
		StringBuilder password = new StringBuilder();
		for (int i = 0; i < 16; i++) {
			password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
		}
		return password.toString();
	}

}
