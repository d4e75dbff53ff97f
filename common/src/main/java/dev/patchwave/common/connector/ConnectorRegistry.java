package dev.patchwave.common.connector;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The connector factories by type. Asking for a type nobody provides fails loudly, naming
 * those that exist.
 */
public final class ConnectorRegistry {

	private final Map<String, ConnectorFactory> factories;

	public ConnectorRegistry(List<ConnectorFactory> factories) {
		this.factories = factories.stream()
			.collect(Collectors.toMap(ConnectorFactory::type, Function.identity(), (first, second) -> {
				throw new IllegalStateException("Two connector factories claim type '" + first.type() + "'");
			}, TreeMap::new));
	}

	public Set<String> types() {
		return this.factories.keySet();
	}

	public Connector create(ConnectorConfig config) {
		return factory(config.type()).create(config);
	}

	/** The settings of this type that hold secrets. */
	public Set<String> secretSettings(String type) {
		return factory(type).secretSettings();
	}

	private ConnectorFactory factory(String type) {
		ConnectorFactory factory = this.factories.get(type);
		if (factory == null) {
			throw new InvalidConnectorConfigException("type",
					"unknown connector type '%s'; known types: %s".formatted(type, String.join(", ", types())));
		}
		return factory;
	}

}
