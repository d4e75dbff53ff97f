package dev.patchwave.web.security;

import dev.patchwave.web.token.BearerTokens;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authentication.AuthenticationEventPublisher;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.header.writers.StaticHeadersWriter;

/**
 * Two doors. The API takes HTTP Basic or a personal API token on every request and keeps
 * no session, so no cookie can act for a client and CSRF tokens are not needed there. The
 * dashboard signs people in with a form, keeps a session (its cookie SameSite=Lax, see
 * application.yml), and requires a CSRF token on every form it posts. On both,
 * state-changing requests from another origin are refused, wrong passwords are throttled,
 * and every answer carries a Content-Security-Policy that allows no inline script or
 * style.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ LoginThrottleProperties.class, PasswordCheckProperties.class })
class SecurityConfiguration {

	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
			+ "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
			+ "frame-ancestors 'none'";

	/**
	 * Swagger UI's bundle applies one inline style; the policy of its pages allows that
	 * style by its hash, and nothing else inline. A Swagger UI upgrade that changes it
	 * shows as a violation in TokenPagesBrowserTest.
	 */
	static final String SWAGGER_UI_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'",
			"style-src 'self' 'unsafe-hashes' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='");

	private static final RequestMatcher SWAGGER_UI = PathPatternRequestMatcher.withDefaults().matcher("/swagger-ui/**");

	static final String PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

	private static final String ROLLOUT_ACTIONS = "/api/v1/rollouts/{id}/{action:start|pause|resume|abort|rollback|retry-failed}";

	private static final String TARGET_ACTIONS = "/api/v1/rollouts/{id}/targets/{target}/skip";

	/** Approving is a change manager's decision; four eyes are the engine's check. */
	private static final String APPROVALS = "/api/v1/rollouts/{id}/{action:advance}";

	private static final String WAVE_APPROVALS = "/api/v1/rollouts/{id}/waves/{wave}/{action:approve|reject}";

	@Bean
	RoleHierarchy roleHierarchy() {
		return RoleHierarchyImpl.withDefaultRolePrefix()
			.role(Role.ADMIN.name())
			.implies(Role.CHANGE_MANAGER.name())
			.role(Role.CHANGE_MANAGER.name())
			.implies(Role.OPERATOR.name())
			.role(Role.OPERATOR.name())
			.implies(Role.VIEWER.name())
			.build();
	}

	@Bean
	@Order(1)
	SecurityFilterChain api(HttpSecurity http, ProblemResponses problems, LoginThrottle throttle,
			BearerTokens bearerTokens, UserDetailsService users, PasswordEncoder encoder,
			PasswordCheckProperties passwordChecks, AuthenticationEventPublisher events) throws Exception {
		ProviderManager passwords = new ProviderManager(new RememberedPasswordChecks(users, encoder, passwordChecks));
		// wrong passwords are announced as events, which the login throttle counts
		passwords.setAuthenticationEventPublisher(events);
		return guarded(http, problems, throttle).securityMatcher("/api/**", "/actuator/**")
			.authenticationManager(passwords)
			.addFilterBefore(bearerTokens.filter(problems), BasicAuthenticationFilter.class)
			.authorizeHttpRequests(requests -> requests.requestMatchers("/actuator/health", "/actuator/health/**")
				.permitAll()
				// everyone manages their own tokens (TokenController: never with a token)
				.requestMatchers("/api/v1/tokens", "/api/v1/tokens/*")
				.hasRole(Role.VIEWER.name())
				.requestMatchers(HttpMethod.POST, ROLLOUT_ACTIONS, TARGET_ACTIONS)
				.hasRole(Role.OPERATOR.name())
				.requestMatchers(HttpMethod.POST, APPROVALS, WAVE_APPROVALS)
				.hasRole(Role.CHANGE_MANAGER.name())
				.requestMatchers(HttpMethod.POST, "/api/v1/rollouts", "/api/v1/rollouts/preview", "/api/v1/targets",
						"/api/v1/targets/import")
				.hasRole(Role.CHANGE_MANAGER.name())
				.requestMatchers(HttpMethod.POST, "/api/v1/windows")
				.hasRole(Role.CHANGE_MANAGER.name())
				.requestMatchers(HttpMethod.PUT, "/api/v1/windows/*", "/api/v1/rollouts/*")
				.hasRole(Role.CHANGE_MANAGER.name())
				.requestMatchers(HttpMethod.DELETE, "/api/v1/windows/*", "/api/v1/rollouts/*")
				.hasRole(Role.CHANGE_MANAGER.name())
				.requestMatchers(HttpMethod.POST, "/api/v1/connectors", "/api/v1/connectors/**")
				.hasRole(Role.ADMIN.name())
				.requestMatchers(HttpMethod.GET, "/api/**", "/actuator/**")
				.hasRole(Role.VIEWER.name())
				// anything else is for admins, who learn 404 or 405 where nothing answers
				// it
				.anyRequest()
				.hasRole(Role.ADMIN.name()))
			.httpBasic(basic -> basic.authenticationEntryPoint(problems))
			.exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
			.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.securityContext(
					context -> context.securityContextRepository(new RequestAttributeSecurityContextRepository()))
			.csrf(csrf -> csrf.disable())
			.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain dashboard(HttpSecurity http, ProblemResponses problems, LoginThrottle throttle)
			throws Exception {
		return guarded(http, problems, throttle)
			.authorizeHttpRequests(
					requests -> requests.requestMatchers("/webjars/**", "/css/**", "/js/**", "/login", "/error")
						.permitAll()
						.requestMatchers(HttpMethod.POST, "/rollouts/*/actions/*", "/rollouts/*/retry-failed",
								"/rollouts/*/skip")
						.hasRole(Role.OPERATOR.name())
						.requestMatchers(HttpMethod.POST, "/rollouts/*/waves/*/*", "/targets/import")
						.hasRole(Role.CHANGE_MANAGER.name())
						.requestMatchers("/plan/**")
						.hasRole(Role.CHANGE_MANAGER.name())
						.requestMatchers(HttpMethod.POST, "/connectors/*/test")
						.hasRole(Role.ADMIN.name())
						.anyRequest()
						.hasRole(Role.VIEWER.name()))
			// our own sign-in page; after signing in, back to the page asked for, without
			// the "?continue" marker Spring adds to find its saved request
			.formLogin(form -> form.loginPage("/login"))
			.requestCache(cache -> cache.requestCache(savedRequests()))
			.logout(Customizer.withDefaults())
			.build();
	}

	private static HttpSessionRequestCache savedRequests() {
		HttpSessionRequestCache cache = new HttpSessionRequestCache();
		cache.setMatchingRequestParameterName(null);
		return cache;
	}

	/** What both doors share: the cross-site guard, the login throttle, the headers. */
	private static HttpSecurity guarded(HttpSecurity http, ProblemResponses problems, LoginThrottle throttle) {
		return http.addFilterBefore(new CrossSiteRequestGuard(problems), CsrfFilter.class)
			.addFilterBefore(new LoginThrottleFilter(throttle, problems), UsernamePasswordAuthenticationFilter.class)
			.headers(headers -> headers
				.addHeaderWriter((request, response) -> response.setHeader("Content-Security-Policy",
						SWAGGER_UI.matches(request) ? SWAGGER_UI_POLICY : CONTENT_SECURITY_POLICY))
				.referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
				.addHeaderWriter(new StaticHeadersWriter("Permissions-Policy", PERMISSIONS_POLICY)));
	}

}
