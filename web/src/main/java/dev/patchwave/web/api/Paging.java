package dev.patchwave.web.api;

import dev.patchwave.orchestrator.InvalidInputException;

/** Checks the page and size parameters of list endpoints. */
final class Paging {

	static final int MAX_SIZE = 500;

	private Paging() {
	}

	static void check(int page, int size) {
		if (page < 0) {
			throw new InvalidInputException("page", "must be 0 or more");
		}
		if (size < 1 || size > MAX_SIZE) {
			throw new InvalidInputException("size", "must be from 1 to " + MAX_SIZE);
		}
	}

}
