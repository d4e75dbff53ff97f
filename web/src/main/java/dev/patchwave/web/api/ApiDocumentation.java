package dev.patchwave.web.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The API's OpenAPI description ({@code /v3/api-docs}, shown by Swagger UI): both ways to
 * sign in, the problem details every error comes as, and the operations grouped by what
 * they act on, read from their paths so that no controller needs annotations for it.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

	static final String BEARER = "bearer";

	static final String BASIC = "basic";

	private static final String PROBLEM = "Problem";

	private static final String PROBLEM_JSON = "application/problem+json";

	/** What each first path segment under /api/v1 is about, as the tag's description. */
	private static final Map<String, String> TAGS = Map.of("patches", "The patch catalog and its exposure", "targets",
			"The fleet: hosts and their labels", "connectors", "Deployment systems and their health", "rollouts",
			"Staged rollouts: plan, run, watch, approve", "windows", "Maintenance windows and blackouts", "reports",
			"Leadership reports and exports", "tokens", "Your personal API tokens");

	@Bean
	OpenAPI patchwaveOpenApi() {
		return new OpenAPI()
			.info(new Info().title("Patchwave API")
				.version("v1")
				.description("Staged patch rollouts. Sign in with a personal API token (Authorization: Bearer "
						+ "pw_..., created on the console's API tokens page) or HTTP Basic. Every error is RFC 9457 "
						+ "problem details."))
			.components(new Components()
				.addSecuritySchemes(BEARER,
						new SecurityScheme().type(SecurityScheme.Type.HTTP)
							.scheme("bearer")
							.bearerFormat("pw_<id>_<secret>")
							.description("A personal API token; it acts with its owner's roles."))
				.addSecuritySchemes(BASIC,
						new SecurityScheme().type(SecurityScheme.Type.HTTP)
							.scheme("basic")
							.description("User name and password."))
				.addSchemas(PROBLEM, problemSchema()))
			.addSecurityItem(new SecurityRequirement().addList(BEARER))
			.addSecurityItem(new SecurityRequirement().addList(BASIC));
	}

	/**
	 * Tags every operation by the collection it acts on, and lists the errors it may
	 * answer with as problem details.
	 */
	@Bean
	OpenApiCustomizer problemsAndTags() {
		return openApi -> {
			openApi.setTags(TAGS.entrySet()
				.stream()
				.sorted(Map.Entry.comparingByKey())
				.map(tag -> new Tag().name(tag.getKey()).description(tag.getValue()))
				.toList());
			openApi.getPaths().forEach((path, item) -> {
				String tag = path.replaceFirst("^/api/v1/([^/]+).*$", "$1");
				item.readOperationsMap().forEach((method, operation) -> {
					operation.setTags(List.of(tag));
					documentProblems(path, method, operation);
				});
			});
		};
	}

	private static void documentProblems(String path, PathItem.HttpMethod method, Operation operation) {
		problem(operation, "400", "Malformed request: unreadable JSON, a wrong type, a bad parameter");
		problem(operation, "401", "Not signed in, or the API token is unknown, expired or revoked");
		problem(operation, "403", "Your role does not allow this, or a cross-site request that changes something");
		if (path.contains("{")) {
			problem(operation, "404", "No such resource");
		}
		if (method == PathItem.HttpMethod.POST || method == PathItem.HttpMethod.PUT) {
			problem(operation, "409", "Not allowed in the resource's current state");
			problem(operation, "422", "Invalid input; errors names each field and why");
		}
		problem(operation, "429", "Too many wrong passwords for this user or address; see Retry-After");
	}

	private static void problem(Operation operation, String status, String description) {
		operation.getResponses()
			.putIfAbsent(status,
					new ApiResponse().description(description)
						.content(new Content().addMediaType(PROBLEM_JSON,
								new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)))));
	}

	@SuppressWarnings("rawtypes")
	private static Schema problemSchema() {
		return new ObjectSchema().description("RFC 9457 problem details")
			.addProperty("type", new StringSchema().example("about:blank"))
			.addProperty("title", new StringSchema().example("Invalid request"))
			.addProperty("status", new IntegerSchema().example(422))
			.addProperty("detail", new StringSchema().example("waves[0].maxConcurrency: must be 1 to 1000"))
			.addProperty("instance", new StringSchema().example("/api/v1/rollouts"))
			.addProperty("errors",
					new io.swagger.v3.oas.models.media.ArraySchema()
						.items(new ObjectSchema().addProperty("field", new StringSchema())
							.addProperty("reason", new StringSchema())));
	}

}
