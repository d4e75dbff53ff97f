package dev.patchwave.web.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Stops a sign-in before its password is checked while the name or the address has run
 * out of attempts: HTTP Basic credentials on any request, and the sign-in form's post.
 * The answer is 429 problem details with Retry-After, even for the right password, so
 * guessing on gains nothing.
 */
class LoginThrottleFilter extends OncePerRequestFilter {

	private final LoginThrottle throttle;

	private final ProblemResponses problems;

	LoginThrottleFilter(LoginThrottle throttle, ProblemResponses problems) {
		this.throttle = throttle;
		this.problems = problems;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Optional<Duration> wait = signInName(request)
			.flatMap(user -> this.throttle.waitBeforeSignIn(user, request.getRemoteAddr()));
		if (wait.isPresent()) {
			long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
			response.setHeader("Retry-After", Long.toString(seconds));
			this.problems.write(request, response, HttpStatus.TOO_MANY_REQUESTS,
					"Too many wrong passwords for this user or from this address; try again in %d seconds."
						.formatted(seconds));
			return;
		}
		chain.doFilter(request, response);
	}

	private static Optional<String> signInName(HttpServletRequest request) {
		String authorization = request.getHeader("Authorization");
		if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
			try {
				String credentials = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
						StandardCharsets.UTF_8);
				int colon = credentials.indexOf(':');
				return colon < 0 ? Optional.empty() : Optional.of(credentials.substring(0, colon));
			}
			catch (IllegalArgumentException ex) {
				// not base64: the Basic filter refuses it as it stands
				return Optional.empty();
			}
		}
		if ("POST".equals(request.getMethod()) && "/login".equals(request.getServletPath())) {
			return Optional.ofNullable(request.getParameter("username"));
		}
		return Optional.empty();
	}

}
