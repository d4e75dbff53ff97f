package dev.patchwave.web.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over {@code patchwave.api.max-body-size}, or over the larger
 * limit of the few paths that take large bodies as streams (the target import): at once
 * when the declared length says so, else when reading passes the limit, so a chunked body
 * cannot sidestep it. Either way the answer is 413 problem details.
 */
class BodySizeLimit extends OncePerRequestFilter {

	private final long limit;

	private final Map<String, Long> largerLimits;

	/**
	 * @param limit the limit of every path but those in {@code largerLimits}
	 * @param largerLimits limits by exact path (without the context path)
	 */
	BodySizeLimit(long limit, Map<String, Long> largerLimits) {
		this.limit = limit;
		this.largerLimits = Map.copyOf(largerLimits);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long limit = this.largerLimits
			.getOrDefault(request.getRequestURI().substring(request.getContextPath().length()), this.limit);
		if (request.getContentLengthLong() > limit) {
			response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
			return;
		}
		chain.doFilter(new Limited(request, limit), response);
	}

	/** Thrown when a body turns out longer than the limit while it is read. */
	static final class BodyTooLargeException extends IOException {

		BodyTooLargeException(long limit) {
			super("the request body is longer than %d bytes".formatted(limit));
		}

	}

	private static final class Limited extends HttpServletRequestWrapper {

		private final long limit;

		private ServletInputStream counted;

		Limited(HttpServletRequest request, long limit) {
			super(request);
			this.limit = limit;
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (this.counted == null) {
				this.counted = new Counted(super.getInputStream(), this.limit);
			}
			return this.counted;
		}

	}

	private static final class Counted extends ServletInputStream {

		private final ServletInputStream in;

		private final long limit;

		private long read;

		Counted(ServletInputStream in, long limit) {
			this.in = in;
			this.limit = limit;
		}

		@Override
		public int read() throws IOException {
			int b = this.in.read();
			if (b >= 0) {
				count(1);
			}
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int n = this.in.read(buffer, offset, length);
			if (n > 0) {
				count(n);
			}
			return n;
		}

		private void count(int n) throws BodyTooLargeException {
			this.read += n;
			if (this.read > this.limit) {
				throw new BodyTooLargeException(this.limit);
			}
		}

		@Override
		public boolean isFinished() {
			return this.in.isFinished();
		}

		@Override
		public boolean isReady() {
			return this.in.isReady();
		}

		@Override
		public void setReadListener(ReadListener listener) {
			this.in.setReadListener(listener);
		}

	}

}
