package dev.patchwave.web.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses state-changing requests that a browser sends on behalf of another site: a POST,
 * PUT, PATCH or DELETE whose {@code Origin} is not this server's own, or that the browser
 * marks {@code Sec-Fetch-Site: cross-site}. Tools like curl send neither header and pass.
 * A second line behind the dashboard's CSRF tokens, and the only one for the API, whose
 * Basic credentials a browser could otherwise attach by itself.
 */
class CrossSiteRequestGuard extends OncePerRequestFilter {

	private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

	private final ProblemResponses problems;

	CrossSiteRequestGuard(ProblemResponses problems) {
		this.problems = problems;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!SAFE_METHODS.contains(request.getMethod()) && isCrossSite(request)) {
			this.problems.write(request, response, HttpStatus.FORBIDDEN,
					"Cross-site requests may not change anything: %s from another origin was refused."
						.formatted(request.getMethod()));
			return;
		}
		chain.doFilter(request, response);
	}

	private static boolean isCrossSite(HttpServletRequest request) {
		if ("cross-site".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"))) {
			return true;
		}
		String origin = request.getHeader("Origin");
		return origin != null && !isOwnOrigin(origin, request);
	}

	private static boolean isOwnOrigin(String origin, HttpServletRequest request) {
		try {
			URI uri = new URI(origin);
			if (uri.getScheme() == null || uri.getHost() == null) {
				// includes the opaque origin "null" of sandboxed frames and file pages
				return false;
			}
			return uri.getScheme().equalsIgnoreCase(request.getScheme())
					&& uri.getHost().equalsIgnoreCase(request.getServerName())
					&& port(uri.getPort(), uri.getScheme()) == request.getServerPort();
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

	private static int port(int port, String scheme) {
		if (port >= 0) {
			return port;
		}
		return "https".equalsIgnoreCase(scheme) ? 443 : 80;
	}

}
