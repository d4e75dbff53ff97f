package dev.patchwave.web.security;

import dev.patchwave.web.demo.DemoProperties;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
			printDemoLogins(password, writePasswordFile(demo.passwordFile(), password));
		}
		if (users.isEmpty()) {
			log.warn("No users are configured: nobody can sign in. Set patchwave.security.users or run the demo.");
		}
		return new InMemoryUserDetailsManager(users);
	}

	/**
	 * The demo password goes to the console once, framed so it stands out among the log
	 * lines, and to a file only its owner may read, for whoever missed it.
	 */
	private static void printDemoLogins(String password, Path file) {
		String rule = "=".repeat(64);
		System.out.printf(
				"%n  %s%n  Patchwave demo logins: admin, manager, operator, viewer%n  Password for all: %s%n%s  %s%n%n",
				rule, password, file == null ? "" : "  (also in %s)%n".formatted(file), rule);
	}

	/**
	 * Writes the password to the file; null when that is not possible, said in the log.
	 */
	private static Path writePasswordFile(Path file, String password) {
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			Files.deleteIfExists(file);
			if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
				Files.createFile(file,
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			}
			Files.writeString(file, password + System.lineSeparator());
			return file;
		}
		catch (IOException ex) {
			log.warn("Could not write the demo password to {}: {}", file, ex.getMessage());
			return null;
		}
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
