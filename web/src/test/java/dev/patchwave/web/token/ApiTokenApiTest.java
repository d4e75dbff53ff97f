package dev.patchwave.web.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwave.web.ApiClient;
import dev.patchwave.web.ApiClient.Response;
import dev.patchwave.web.PatchwaveWebTest;
import dev.patchwave.web.security.Role;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import tools.jackson.databind.JsonNode;

/**
 * Personal API tokens through the API: created with a password, used as a bearer token
 * with the owner's roles as they are now, listed without their secret, revoked; and the
 * cheap HTTP Basic check that still refuses a changed password. Each test signs in as
 * users of its own, so the login throttle other tests exhaust for the demo logins does
 * not get in the way.
 */
@PatchwaveWebTest
@ExtendWith(OutputCaptureExtension.class)
class ApiTokenApiTest {

	private static final String PASSWORD = "a-password-of-its-own";

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	InMemoryUserDetailsManager users;

	@Autowired
	PasswordEncoder encoder;

	@Test
	void aTokenIsShownOnceWorksWithItsOwnersRolesIsListedWithoutItsSecretAndStopsWhenRevoked(CapturedOutput output) {
		String owner = user("manager", Role.CHANGE_MANAGER);
		ApiClient withPassword = client(owner);

		Response created = withPassword.post("/api/v1/tokens", """
				{"name": "nightly export", "expiresIn": "P30D"}""");

		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String token = created.json().get("token").asString();
		String id = created.json().get("id").asString();
		assertThat(token).startsWith("pw_" + id + "_").hasSize(3 + 12 + 1 + 43);
		assertThat(created.location()).endsWith("/api/v1/tokens/" + id);

		ApiClient bearer = ApiClient.bearer(this.port, token);
		assertThat(bearer.get("/api/v1/rollouts").status()).isEqualTo(200);
		// planning is a change manager's: the token has its owner's role
		Response rollout = bearer.post("/api/v1/rollouts", rolloutOverATargetOfItsOwn());
		assertThat(rollout.status()).as(rollout.body()).isEqualTo(201);
		long rolloutId = rollout.json().get("id").asLong();
		assertThat(this.jdbc.sql("SELECT actor FROM rollout_event WHERE rollout_id = ?")
			.param(rolloutId)
			.query(String.class)
			.list()).contains(owner);

		Response listed = withPassword.get("/api/v1/tokens");
		assertThat(listed.status()).isEqualTo(200);
		assertThat(listed.body()).doesNotContain(token).doesNotContain(sha256(token));
		JsonNode entry = listed.json().get(0);
		assertThat(entry.get("id").asString()).isEqualTo(id);
		assertThat(entry.get("name").asString()).isEqualTo("nightly export");
		assertThat(entry.get("status").asString()).isEqualTo("ACTIVE");
		assertThat(entry.get("lastUsedAt").isNull()).isFalse();
		assertThat(entry.has("token")).isFalse();

		assertThat(
				this.jdbc.sql("SELECT secret_hash FROM api_token WHERE id = ?").param(id).query(String.class).single())
			.isEqualTo(sha256(token))
			.isNotEqualTo(token);

		assertThat(withPassword.send("DELETE", "/api/v1/tokens/" + id, null, null, Map.of()).status()).isEqualTo(204);

		Response revoked = bearer.get("/api/v1/rollouts");
		assertThat(revoked.status()).isEqualTo(401);
		assertThat(revoked.contentType()).startsWith("application/problem+json");
		assertThat(revoked.json().get("detail").asString()).contains("unknown, expired or revoked");
		assertThat(revoked.header("WWW-Authenticate")).isNull();
		assertThat(withPassword.get("/api/v1/tokens").json().get(0).get("status").asString()).isEqualTo("REVOKED");

		// the audit lines are there, the secret is not, nor in the journal
		assertThat(output.getAll()).contains("API token pw_%s_... 'nightly export' created by %s".formatted(id, owner))
			.contains("revoked by " + owner)
			.doesNotContain(token);
		assertThat(this.jdbc.sql("SELECT COUNT(*) FROM rollout_event WHERE message LIKE ?")
			.param("%" + token.substring(16) + "%")
			.query(Long.class)
			.single()).isZero();
	}

	@Test
	void aViewersTokenReadsButMayNotWrite() {
		String token = tokenOf(user("viewer", Role.VIEWER));

		Response read = ApiClient.bearer(this.port, token).get("/api/v1/rollouts");
		Response write = ApiClient.bearer(this.port, token).post("/api/v1/rollouts", rolloutOverATargetOfItsOwn());

		assertThat(read.status()).isEqualTo(200);
		assertThat(write.status()).isEqualTo(403);
		assertThat(write.contentType()).startsWith("application/problem+json");
	}

	@Test
	void aTokenLosesWhatItsOwnerLosesAtOnce() {
		String owner = user("operator", Role.OPERATOR);
		ApiClient bearer = ApiClient.bearer(this.port, tokenOf(owner));
		// an operator's action on a rollout that does not exist: allowed, then not found
		assertThat(bearer.post("/api/v1/rollouts/999999999/pause").status()).isEqualTo(404);

		this.users.updateUser(User.withUsername(owner).password(this.encoder.encode(PASSWORD)).roles("VIEWER").build());
		assertThat(bearer.post("/api/v1/rollouts/999999999/pause").status()).isEqualTo(403);
		assertThat(bearer.get("/api/v1/rollouts").status()).isEqualTo(200);

		this.users.deleteUser(owner);
		Response removed = bearer.get("/api/v1/rollouts");
		assertThat(removed.status()).isEqualTo(401);
		assertThat(removed.json().get("detail").asString()).contains("owner can no longer sign in");
	}

	@Test
	void anExpiredTokenIsRefused() {
		String owner = user("viewer", Role.VIEWER);
		Response created = client(owner).post("/api/v1/tokens", """
				{"name": "short-lived"}""");
		String token = created.json().get("token").asString();
		// expired before it was ever used, so no node remembers it as valid
		this.jdbc.sql("UPDATE api_token SET expires_at = created_at - INTERVAL '1' SECOND WHERE id = ?")
			.param(created.json().get("id").asString())
			.update();

		Response response = ApiClient.bearer(this.port, token).get("/api/v1/rollouts");

		assertThat(response.status()).isEqualTo(401);
		assertThat(response.header("WWW-Authenticate")).isNull();
		assertThat(client(owner).get("/api/v1/tokens").json().get(0).get("status").asString()).isEqualTo("EXPIRED");
	}

	@Test
	void unknownAndMalformedTokensAreRefusedWithProblemDetailsAndNoChallenge() {
		for (String token : List.of("pw_AAAAAAAAAAAA_" + "A".repeat(43), "not-a-token", "")) {
			Response response = ApiClient.bearer(this.port, token).get("/api/v1/patches");

			assertThat(response.status()).isEqualTo(401);
			assertThat(response.contentType()).startsWith("application/problem+json");
			assertThat(response.header("WWW-Authenticate")).isNull();
		}
	}

	@Test
	void aTokenCannotCreateListOrRevokeTokens() {
		String owner = user("admin", Role.ADMIN);
		String token = tokenOf(owner);
		ApiClient bearer = ApiClient.bearer(this.port, token);
		String id = token.substring(3, 15);

		Response mint = bearer.post("/api/v1/tokens", """
				{"name": "offspring"}""");

		assertThat(mint.status()).isEqualTo(403);
		assertThat(mint.json().get("detail").asString()).contains("API tokens cannot create, list or revoke");
		assertThat(bearer.get("/api/v1/tokens").status()).isEqualTo(403);
		assertThat(bearer.send("DELETE", "/api/v1/tokens/" + id, null, null, Map.of()).status()).isEqualTo(403);
		assertThat(client(owner).get("/api/v1/tokens").json()).hasSize(1);
	}

	@Test
	void lifetimesAreBoundedAndANameIsRequired() {
		Response response = client(user("viewer", Role.VIEWER)).post("/api/v1/tokens", """
				{"name": " ", "expiresIn": "P366D"}""");

		assertThat(response.status()).isEqualTo(422);
		assertThat(response.body()).contains("\"field\":\"name\"").contains("\"field\":\"expiresIn\"");
	}

	@Test
	void anotherUsersTokenCannotBeRevokedButAnAdminMayRevokeIt() {
		String owner = user("viewer", Role.VIEWER);
		String id = tokenOf(owner).substring(3, 15);

		Response stranger = client(user("viewer", Role.VIEWER)).send("DELETE", "/api/v1/tokens/" + id, null, null,
				Map.of());
		Response admin = client(user("admin", Role.ADMIN)).send("DELETE", "/api/v1/tokens/" + id, null, null, Map.of());

		assertThat(stranger.status()).isEqualTo(404);
		assertThat(admin.status()).isEqualTo(204);
		assertThat(client(owner).get("/api/v1/tokens").json().get(0).get("status").asString()).isEqualTo("REVOKED");
	}

	@Test
	void aRememberedBasicPasswordCheckStillRefusesAWrongOrChangedPasswordAndFollowsTheRole() throws Exception {
		String name = user("basic", Role.OPERATOR);
		// an address of its own: its wrong passwords count against no other test's
		// allowance
		InetAddress address = InetAddress.getByName("127.0.0.31");
		ApiClient right = new ApiClient(this.port, name, PASSWORD, address);
		assertThat(right.get("/api/v1/patches").status()).isEqualTo(200);

		assertThat(new ApiClient(this.port, name, PASSWORD + "x", address).get("/api/v1/patches").status())
			.isEqualTo(401);
		assertThat(right.post("/api/v1/rollouts/999999999/pause").status()).isEqualTo(404);

		this.users.updateUser(User.withUsername(name).password(this.encoder.encode("changed")).roles("VIEWER").build());

		assertThat(right.get("/api/v1/patches").status()).isEqualTo(401);
		ApiClient changed = new ApiClient(this.port, name, "changed", address);
		assertThat(changed.get("/api/v1/patches").status()).isEqualTo(200);
		assertThat(changed.post("/api/v1/rollouts/999999999/pause").status()).isEqualTo(403);
	}

	/** A user of this test's own, with a bcrypt password like configured users have. */
	private String user(String kind, Role role) {
		String name = "%s-%s-%s".formatted(kind, this.run, UUID.randomUUID().toString().substring(0, 4));
		this.users
			.createUser(User.withUsername(name).password(this.encoder.encode(PASSWORD)).roles(role.name()).build());
		return name;
	}

	private ApiClient client(String user) {
		return new ApiClient(this.port, user, PASSWORD, null);
	}

	private String tokenOf(String owner) {
		Response created = client(owner).post("/api/v1/tokens", """
				{"name": "test"}""");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json().get("token").asString();
	}

	/** A rollout over a host of this test's own, so no other test's rollout covers it. */
	private String rolloutOverATargetOfItsOwn() {
		String host = "token-" + UUID.randomUUID().toString().substring(0, 8);
		Response registered = new ApiClient(this.port, "admin").post("/api/v1/targets",
				ApiClient.json(List.of(Map.of("name", host, "address", "10.51.0.1", "labels",
						Map.of("app", "apex-central", "host", host), "connector", "sim-fleet", "installedVersion",
						"14.0.6850"))));
		assertThat(registered.status()).isBetween(200, 201);
		return """
				{"name":"by token","patchId":"apex-central-2019-cp-7190","selector":"host=%s",
				 "waves":[{"name":"all","size":"100%%","maxConcurrency":1}]}""".formatted(host);
	}

	private static String sha256(String text) throws IllegalStateException {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
