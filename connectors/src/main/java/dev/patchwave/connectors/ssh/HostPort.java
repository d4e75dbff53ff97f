package dev.patchwave.connectors.ssh;

/**
 * Where an SSH server listens, as read from a target's address: {@code host},
 * {@code host:port}, {@code [v6]:port}.
 */
record HostPort(String host, int port) {

	static HostPort parse(String address, int defaultPort) {
		String text = (address != null) ? address.strip() : "";
		String host = text;
		String port = null;
		if (text.startsWith("[")) {
			int close = text.indexOf(']');
			host = (close > 0) ? text.substring(1, close) : "";
			String rest = (close > 0) ? text.substring(close + 1) : "";
			port = rest.startsWith(":") ? rest.substring(1) : (rest.isEmpty() ? null : "");
		}
		else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
			host = text.substring(0, text.indexOf(':'));
			port = text.substring(text.indexOf(':') + 1);
		}
		// More than one colon without brackets is a bare IPv6 address, on the default
		// port.
		if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
			throw invalid(address);
		}
		return new HostPort(host, (port != null) ? port(port, address) : defaultPort);
	}

	private static int port(String text, String address) {
		try {
			int port = Integer.parseInt(text);
			if (port >= 1 && port <= 65_535) {
				return port;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw invalid(address);
	}

	private static IllegalArgumentException invalid(String address) {
		return new IllegalArgumentException(
				"'%s' is not an SSH address: host, host:port or [IPv6 address]:port".formatted(address));
	}

	@Override
	public String toString() {
		return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]:" + this.port : this.host + ":" + this.port;
	}

}
