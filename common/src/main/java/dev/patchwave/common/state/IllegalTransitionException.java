package dev.patchwave.common.state;

/** A state change that the state machine's transition table does not allow. */
public class IllegalTransitionException extends RuntimeException {

	private final String machine;

	private final String from;

	private final String to;

	public IllegalTransitionException(String machine, String from, String to) {
		super("%s cannot go from %s to %s".formatted(machine, from, to));
		this.machine = machine;
		this.from = from;
		this.to = to;
	}

	public String machine() {
		return this.machine;
	}

	public String from() {
		return this.from;
	}

	public String to() {
		return this.to;
	}

}
