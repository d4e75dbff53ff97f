package dev.patchwave.common.connector;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The connector factories by type. Asking for a type nobody provides fails loudly, naming those that exist. */
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
		ConnectorFactory factory = this.factories.get(config.type());
		if (factory == null) {
			throw new InvalidConnectorConfigException("type",
					"unknown connector type '%s'; known types: %s".formatted(config.type(), String.join(", ", types())));
		}
		return factory.create(config);
	}

}
