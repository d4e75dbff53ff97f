package dev.patchwave.web.api;

import dev.patchwave.common.state.IllegalTransitionException;
import dev.patchwave.orchestrator.ConflictException;
import dev.patchwave.orchestrator.InvalidInputException;
import dev.patchwave.orchestrator.InvalidInputException.FieldProblem;
import dev.patchwave.orchestrator.NotFoundException;
import dev.patchwave.orchestrator.NotPermittedException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every API error as RFC 9457 problem details: a title, a detail a person can act on and,
 * for bad input, an {@code errors} list naming each field and the reason. Never a stack
 * trace.
 */
@RestControllerAdvice(basePackages = "dev.patchwave.web.api")
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

	@ExceptionHandler(InvalidInputException.class)
	ProblemDetail invalidInput(InvalidInputException ex) {
		return fieldProblems(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid request", ex.problems());
	}

	@ExceptionHandler(NotFoundException.class)
	ProblemDetail notFound(NotFoundException ex) {
		return problem(HttpStatus.NOT_FOUND, "Not found", ex.getMessage());
	}

	@ExceptionHandler(IllegalTransitionException.class)
	ProblemDetail illegalTransition(IllegalTransitionException ex) {
		ProblemDetail problem = problem(HttpStatus.CONFLICT, "Not allowed in this state",
				"This is not allowed now: " + ex.getMessage());
		problem.setProperty("from", ex.from());
		problem.setProperty("to", ex.to());
		return problem;
	}

	@ExceptionHandler(ConflictException.class)
	ProblemDetail conflict(ConflictException ex) {
		return problem(HttpStatus.CONFLICT, "Not allowed in this state", ex.getMessage());
	}

	@ExceptionHandler(NotPermittedException.class)
	ProblemDetail notPermitted(NotPermittedException ex) {
		return fieldProblems(HttpStatus.FORBIDDEN, "Not permitted",
				List.of(new FieldProblem(ex.field(), ex.getMessage())));
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ProblemDetail badParameter(MethodArgumentTypeMismatchException ex) {
		String expected = ex.getRequiredType() != null && ex.getRequiredType().isEnum()
				? "one of " + List.of(ex.getRequiredType().getEnumConstants())
				: "a " + (ex.getRequiredType() == null ? "value" : ex.getRequiredType().getSimpleName());
		return fieldProblems(HttpStatus.BAD_REQUEST, "Invalid parameter",
				List.of(new FieldProblem(ex.getName(), "'%s' is not %s".formatted(ex.getValue(), expected))));
	}

	@ExceptionHandler(UnreadableBodyException.class)
	ResponseEntity<ProblemDetail> unreadableBody(UnreadableBodyException ex) {
		if (ex.isTooLarge()) {
			return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(tooLarge());
		}
		return ResponseEntity.badRequest()
			.body(problem(HttpStatus.BAD_REQUEST, "Malformed request",
					"The body could not be read: " + ex.getMessage() + ". Nothing was written."));
	}

	@ExceptionHandler(Exception.class)
	ProblemDetail unexpected(Exception ex) {
		log.error("Unexpected error answering an API request", ex);
		return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
				"Something went wrong on our side; nothing was changed by this request if it was refused. The server log has the details.");
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof BodySizeLimit.BodyTooLargeException) {
				return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(tooLarge());
			}
		}
		return ResponseEntity.badRequest().body(unreadable(ex.getMostSpecificCause()));
	}

	private static ProblemDetail tooLarge() {
		return problem(HttpStatus.CONTENT_TOO_LARGE, "Request too large", "The request body is too large.");
	}

	private static ProblemDetail unreadable(Throwable cause) {
		if (cause instanceof UnrecognizedPropertyException unknown) {
			return fieldProblems(HttpStatus.BAD_REQUEST, "Malformed request", List.of(new FieldProblem(path(unknown),
					"unknown field; known fields: %s".formatted(unknown.getKnownPropertyIds()))));
		}
		if (cause instanceof InvalidFormatException invalid) {
			String expected = invalid.getTargetType() != null && invalid.getTargetType().isEnum()
					? "one of " + List.of(invalid.getTargetType().getEnumConstants())
					: "a valid " + simpleName(invalid.getTargetType());
			return fieldProblems(HttpStatus.BAD_REQUEST, "Malformed request",
					List.of(new FieldProblem(path(invalid), "'%s' is not %s".formatted(invalid.getValue(), expected))));
		}
		if (cause instanceof MismatchedInputException trailing && trailing.getPath().isEmpty()
				&& trailing.getOriginalMessage().startsWith("Trailing token")) {
			return problem(HttpStatus.BAD_REQUEST, "Malformed request",
					"The body is not valid JSON: something follows the value.");
		}
		if (cause instanceof MismatchedInputException mismatched) {
			return fieldProblems(HttpStatus.BAD_REQUEST, "Malformed request", List.of(new FieldProblem(path(mismatched),
					"expected %s here".formatted(describe(mismatched.getTargetType())))));
		}
		if (cause instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
			return fieldProblems(HttpStatus.BAD_REQUEST, "Malformed request",
					List.of(new FieldProblem(path(jackson), jackson.getOriginalMessage())));
		}
		if (cause instanceof StreamReadException syntax) {
			String where = syntax.getLocation() == null ? "" : " at line %d, column %d"
				.formatted(syntax.getLocation().getLineNr(), syntax.getLocation().getColumnNr());
			return problem(HttpStatus.BAD_REQUEST, "Malformed request", "The body is not valid JSON" + where + ".");
		}
		return problem(HttpStatus.BAD_REQUEST, "Malformed request",
				"The request body is missing or is not valid JSON.");
	}

	private static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.isEmpty() ? "$" : path.toString();
	}

	private static String describe(Class<?> type) {
		if (type == null) {
			return "another value";
		}
		if (List.class.isAssignableFrom(type) || type.isArray()) {
			return "an array";
		}
		if (Map.class.isAssignableFrom(type) || type.isRecord()) {
			return "an object";
		}
		return "a " + simpleName(type);
	}

	private static String simpleName(Class<?> type) {
		return type == null ? "value" : type.getSimpleName();
	}

	private static ProblemDetail fieldProblems(HttpStatus status, String title, List<FieldProblem> problems) {
		String detail = problems.size() == 1 ? problems.get(0).toString() : problems.size() + " problems: "
				+ String.join("; ", problems.stream().map(FieldProblem::toString).toList());
		ProblemDetail problem = problem(status, title, detail);
		problem.setProperty("errors",
				problems.stream().map(p -> Map.of("field", p.field(), "reason", p.reason())).toList());
		return problem;
	}

	private static ProblemDetail problem(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		return problem;
	}

}
