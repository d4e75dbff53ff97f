package dev.patchwave.common.state;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one transition table of a state machine. Built once per state enum; a move that is
 * not in the table throws, so an illegal transition can never pass as a silent no-op.
 */
public final class Transitions<S extends Enum<S>> {

	private final Class<S> type;

	private final Map<S, Set<S>> allowed;

	private Transitions(Class<S> type, Map<S, Set<S>> allowed) {
		this.type = type;
		this.allowed = allowed;
	}

	public static <S extends Enum<S>> Builder<S> of(Class<S> type) {
		return new Builder<>(type);
	}

	public boolean isAllowed(S from, S to) {
		return this.allowed.getOrDefault(from, Set.of()).contains(to);
	}

	public S require(S from, S to) {
		if (!isAllowed(from, to)) {
			throw new IllegalTransitionException(this.type.getSimpleName(), from.name(), to.name());
		}
		return to;
	}

	public Set<S> next(S from) {
		return this.allowed.getOrDefault(from, Set.of());
	}

	public static final class Builder<S extends Enum<S>> {

		private final Class<S> type;

		private final Map<S, Set<S>> allowed;

		private Builder(Class<S> type) {
			this.type = type;
			this.allowed = new EnumMap<>(type);
		}

		@SafeVarargs
		public final Builder<S> from(S from, S... to) {
			Set<S> targets = this.allowed.computeIfAbsent(from, key -> EnumSet.noneOf(this.type));
			targets.addAll(Set.of(to));
			return this;
		}

		public Transitions<S> build() {
			Map<S, Set<S>> frozen = new EnumMap<>(this.type);
			this.allowed.forEach((from, to) -> frozen.put(from, Set.copyOf(to)));
			return new Transitions<>(this.type, frozen);
		}

	}

}
