package dev.patchwave.orchestrator.connector;

import dev.patchwave.common.connector.Connector;
import dev.patchwave.common.connector.ConnectorCheck;
import dev.patchwave.common.connector.ConnectorConfig;
import dev.patchwave.common.connector.ConnectorHealth;
import dev.patchwave.common.connector.ConnectorRegistry;
import dev.patchwave.common.connector.InvalidConnectorConfigException;
import dev.patchwave.orchestrator.InputLimits;
import dev.patchwave.orchestrator.InvalidInputException;
import dev.patchwave.orchestrator.InvalidInputException.FieldProblem;
import dev.patchwave.orchestrator.NotFoundException;
import jakarta.annotation.PreDestroy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The configured connector instances, stored, and the live connector behind each one. A
 * connector is built once per instance and shared by every rollout that uses it, so it
 * owns its pools and limits. Secret settings are stored encrypted, bound to their
 * instance and setting, and decrypted only to build the connector; nothing that leaves
 * this class carries them.
 */
@Service
public class ConnectorInstances implements SmartInitializingSingleton {

	private static final Logger log = LoggerFactory.getLogger(ConnectorInstances.class);

	private static final Pattern NAME = Pattern
		.compile("[a-z0-9][a-z0-9-]{0,%d}".formatted(InputLimits.CONNECTOR_NAME - 1));

	private static final TypeReference<Map<String, String>> SETTINGS = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final JsonMapper json;

	private final ConnectorRegistry registry;

	private final SecretCipher cipher;

	private final Clock clock;

	private final ConnectorProbes probes;

	private final SecretRotation rotation;

	private final Map<String, Connector> live = new ConcurrentHashMap<>();

	public ConnectorInstances(JdbcClient jdbc, JsonMapper json, ConnectorRegistry registry, SecretCipher cipher,
			Clock clock, ConnectorProbes probes, SecretRotation rotation) {
		this.jdbc = jdbc;
		this.json = json;
		this.registry = registry;
		this.cipher = cipher;
		this.clock = clock;
		this.probes = probes;
		this.rotation = rotation;
	}

	/**
	 * Refuses to start a node whose key cannot read the stored secrets (it would fail
	 * every rollout through those connectors later, and a node that writes secrets with
	 * another key makes them unreadable to the rest); during a key rotation, encrypts the
	 * secrets that only the previous key reads again with the current one.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		Set<String> unreadable = new TreeSet<>();
		int rotated = 0;
		List<StoredSecrets> rows = this.jdbc.sql("SELECT name, type, settings FROM connector_instance")
			.query((rs, row) -> new StoredSecrets(rs.getString("name"), rs.getString("type"),
					new LinkedHashMap<>(this.json.readValue(rs.getString("settings"), SETTINGS))))
			.list();
		for (StoredSecrets row : rows) {
			boolean changed = false;
			for (String setting : secretSettings(row.type())) {
				String stored = row.settings().get(setting);
				if (stored == null) {
					continue;
				}
				String boundTo = row.name() + "/" + setting;
				if (this.cipher.canDecrypt(stored, boundTo)) {
					continue;
				}
				Optional<SecretCipher> previous = this.rotation.previous()
					.filter(cipher -> cipher.canDecrypt(stored, boundTo));
				if (previous.isPresent()) {
					row.settings().put(setting, this.cipher.encrypt(previous.get().decrypt(stored, boundTo), boundTo));
					changed = true;
				}
				else {
					unreadable.add(boundTo);
				}
			}
			if (changed) {
				this.jdbc.sql("UPDATE connector_instance SET settings = ? WHERE name = ?")
					.params(this.json.writeValueAsString(row.settings()), row.name())
					.update();
				rotated++;
			}
		}
		if (!unreadable.isEmpty()) {
			throw new IllegalStateException(("This node's secrets key cannot read the stored connector secrets %s: "
					+ "it is not the key they were stored with. Every node must use the same key "
					+ "(patchwave.secrets.key, or the file patchwave.secrets.key-file); when rotating, give the old "
					+ "one as patchwave.secrets.previous-key.")
				.formatted(unreadable));
		}
		if (rotated > 0) {
			log.info("Encrypted the secrets of {} connectors again with the current key; "
					+ "patchwave.secrets.previous-key may be removed now", rotated);
		}
	}

	/**
	 * Creates an instance after building its connector once, so bad settings are refused
	 * now, not mid-rollout.
	 */
	public ConnectorInstance create(String name, String type, Map<String, String> settings) {
		if (name == null || !NAME.matcher(name).matches()) {
			throw new InvalidInputException("name",
					"must be 1 to 63 lowercase letters, digits or dashes, starting with a letter or digit");
		}
		if (type == null || type.isBlank() || type.length() > InputLimits.CONNECTOR_TYPE) {
			throw new InvalidInputException("type",
					"is required; known types: " + String.join(", ", this.registry.types()));
		}
		checkSettings(settings);
		if (find(name).isPresent()) {
			throw new InvalidInputException("name", "a connector named '%s' exists already".formatted(name));
		}
		Connector connector;
		Set<String> secrets;
		try {
			connector = this.registry.create(new ConnectorConfig(name, type, settings));
			secrets = this.registry.secretSettings(type);
		}
		catch (InvalidConnectorConfigException ex) {
			String field = ex.setting().equals("type") ? "type" : "settings." + ex.setting();
			throw new InvalidInputException(field, ex.getMessage());
		}
		Map<String, String> stored = new LinkedHashMap<>(settings);
		stored.replaceAll((key, value) -> secrets.contains(key) ? this.cipher.encrypt(value, name + "/" + key) : value);
		String storedJson = this.json.writeValueAsString(stored);
		if (storedJson.length() > InputLimits.SETTINGS_COLUMN) {
			connector.close();
			String longest = stored.entrySet()
				.stream()
				.max(Comparator.comparingInt(entry -> entry.getValue().length()))
				.orElseThrow()
				.getKey();
			throw new InvalidInputException("settings." + longest,
					"the settings take %d characters once stored (secrets grow by a third when encrypted), at most %d; this is the longest"
						.formatted(storedJson.length(), InputLimits.SETTINGS_COLUMN));
		}
		try {
			this.jdbc.sql("INSERT INTO connector_instance (name, type, settings, created_at) VALUES (?, ?, ?, ?)")
				.params(name, type, storedJson, Timestamp.from(this.clock.instant()))
				.update();
		}
		catch (DuplicateKeyException ex) {
			// another request created the same name since the check above
			connector.close();
			throw new InvalidInputException("name", "a connector named '%s' exists already".formatted(name));
		}
		Connector previous = this.live.put(name, connector);
		if (previous != null) {
			previous.close();
		}
		return find(name).orElseThrow();
	}

	private static void checkSettings(Map<String, String> settings) {
		if (settings.size() > InputLimits.SETTINGS) {
			throw new InvalidInputException("settings",
					"at most %d settings, got %d".formatted(InputLimits.SETTINGS, settings.size()));
		}
		List<FieldProblem> problems = new ArrayList<>();
		settings.forEach((key, value) -> {
			if (key.isBlank() || key.length() > InputLimits.SETTING_NAME || InputLimits.hasControlCharacters(key)) {
				problems
					.add(new FieldProblem("settings", "setting names must be 1 to %d characters, no control characters"
						.formatted(InputLimits.SETTING_NAME)));
			}
			else if (value.length() > InputLimits.SETTINGS_COLUMN) {
				problems.add(new FieldProblem("settings." + key,
						"at most %d characters, got %d".formatted(InputLimits.SETTINGS_COLUMN, value.length())));
			}
			else if (InputLimits.hasControlCharacters(value)) {
				problems.add(new FieldProblem("settings." + key, "must not contain control characters"));
			}
		});
		if (!problems.isEmpty()) {
			throw new InvalidInputException(problems);
		}
	}

	public List<ConnectorInstance> list() {
		return this.jdbc.sql("SELECT * FROM connector_instance ORDER BY name").query(this::map).list();
	}

	public Optional<ConnectorInstance> find(String name) {
		return this.jdbc.sql("SELECT * FROM connector_instance WHERE name = ?").param(name).query(this::map).optional();
	}

	public ConnectorInstance get(long id) {
		return this.jdbc.sql("SELECT * FROM connector_instance WHERE id = ?")
			.param(id)
			.query(this::map)
			.optional()
			.orElseThrow(() -> new NotFoundException("connector", id));
	}

	/** The live connector of an instance, built on first use from its stored settings. */
	public Connector connector(String name) {
		return this.live.computeIfAbsent(name, key -> {
			StoredInstance stored = this.jdbc.sql("SELECT type, settings FROM connector_instance WHERE name = ?")
				.param(key)
				.query((rs, row) -> new StoredInstance(rs.getString("type"), rs.getString("settings")))
				.optional()
				.orElseThrow(() -> new NotFoundException("connector", key));
			Map<String, String> settings = new HashMap<>(this.json.readValue(stored.settings(), SETTINGS));
			Set<String> secrets = secretSettings(stored.type());
			settings.replaceAll((setting, value) -> secrets.contains(setting)
					? this.cipher.decrypt(value, key + "/" + setting) : value);
			return this.registry.create(new ConnectorConfig(key, stored.type(), settings));
		});
	}

	/** The live connector's health, from the calls it made: what the engine goes by. */
	public ConnectorHealth health(String name) {
		return connector(name).health();
	}

	/**
	 * The connectors this node has called whose health is not up. One never called here
	 * has nothing to say yet.
	 */
	public Set<String> notUp() {
		Set<String> names = new TreeSet<>();
		this.live.forEach((name, connector) -> {
			if (connector.health().status() != ConnectorHealth.Status.UP) {
				names.add(name);
			}
		});
		return names;
	}

	/**
	 * The health people are shown: the live connector's, or the last probe's when the
	 * probe found the system down or misconfigured and the connector's own calls have not
	 * (yet) noticed.
	 */
	public ConnectorHealth reportedHealth(String name) {
		ConnectorHealth live = health(name);
		return this.probes.last(name)
			.map(ConnectorProbes.Probe::health)
			.filter(probed -> probed.isDown() && !live.isDown())
			.orElse(live);
	}

	/**
	 * Checks an instance against its real system: reachable, credentials accepted,
	 * templates present.
	 */
	public CompletionStage<List<ConnectorCheck>> test(String name) {
		return connector(name).test();
	}

	@PreDestroy
	void closeAll() {
		this.live.values().forEach(Connector::close);
		this.live.clear();
	}

	private ConnectorInstance map(ResultSet rs, int row) throws SQLException {
		Map<String, String> plain = new LinkedHashMap<>();
		Set<String> secrets = new TreeSet<>();
		Set<String> secretSettings = secretSettings(rs.getString("type"));
		this.json.readValue(rs.getString("settings"), SETTINGS).forEach((key, value) -> {
			if (secretSettings.contains(key)) {
				secrets.add(key);
			}
			else {
				plain.put(key, value);
			}
		});
		return new ConnectorInstance(rs.getLong("id"), rs.getString("name"), rs.getString("type"), plain, secrets,
				rs.getTimestamp("created_at").toInstant());
	}

	/**
	 * The secret settings of a type; none for a type no factory provides any more, which
	 * cannot be built anyway.
	 */
	private Set<String> secretSettings(String type) {
		return this.registry.types().contains(type) ? this.registry.secretSettings(type) : Set.of();
	}

	private record StoredInstance(String type, String settings) {

	}

	private record StoredSecrets(String name, String type, Map<String, String> settings) {

	}

}
