package dev.patchwave.web.api;

import java.io.IOException;

/**
 * A body that failed while a controller read it itself, as it streamed: too long, or not
 * in the format the endpoint takes. Nothing of it was written.
 */
class UnreadableBodyException extends RuntimeException {

	UnreadableBodyException(IOException cause) {
		super(cause.getMessage(), cause);
	}

	boolean isTooLarge() {
		return getCause() instanceof BodySizeLimit.BodyTooLargeException;
	}

}
