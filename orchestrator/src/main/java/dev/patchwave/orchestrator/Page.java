package dev.patchwave.orchestrator;

import java.util.List;
import java.util.function.Function;

/** One page of a longer list, zero-based, with the total so clients can page on. */
public record Page<T>(List<T> items, int page, int size, long total) {

	public Page {
		items = List.copyOf(items);
	}

	public static <T> Page<T> of(List<T> all, int page, int size) {
		int from = (int) Math.min((long) page * size, all.size());
		int to = Math.min(from + size, all.size());
		return new Page<>(all.subList(from, to), page, size, all.size());
	}

	public <R> Page<R> map(Function<T, R> mapper) {
		return new Page<>(this.items.stream().map(mapper).toList(), this.page, this.size, this.total);
	}

}
