package dev.patchwave.web.error;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.ModelAndView;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every error that no controller answered itself (no such path, a method or media type
 * not handled, a request the firewall or the container refused, a failure outside the
 * API's handlers) as RFC 9457 problem details, with a detail of our own words and never
 * an exception's message or stack trace. Only a browser asking for a dashboard page gets
 * the error page instead.
 */
@Controller
class ProblemErrorController implements ErrorController {

	private final JsonMapper json;

	ProblemErrorController(JsonMapper json) {
		this.json = json;
	}

	@RequestMapping(path = "/error", produces = MediaType.TEXT_HTML_VALUE)
	ModelAndView page(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String uri = (String) request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
		if (uri == null || uri.startsWith("/api/") || uri.startsWith("/actuator")) {
			problem(request, response);
			return null;
		}
		HttpStatus status = status(request);
		ModelAndView page = new ModelAndView("error");
		page.setStatus(status);
		page.addObject("status", status.value());
		page.addObject("error", status.getReasonPhrase());
		return page;
	}

	@RequestMapping("/error")
	void problem(HttpServletRequest request, HttpServletResponse response) throws IOException {
		HttpStatus status = status(request);
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail(status));
		response.setStatus(status.value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		this.json.writeValue(response.getOutputStream(), problem);
	}

	private static HttpStatus status(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		HttpStatus status = code instanceof Integer value ? HttpStatus.resolve(value) : null;
		return status == null ? HttpStatus.INTERNAL_SERVER_ERROR : status;
	}

	private static String detail(HttpStatus status) {
		return switch (status.value()) {
			case 400 -> "The request is malformed; its address, headers or body could not be read.";
			case 401 -> "Sign in to use this.";
			case 403 -> "You are not allowed to do this.";
			case 404 -> "There is nothing at this address.";
			case 405 -> "This method is not allowed at this address; the Allow header lists those that are.";
			case 406 -> "This address answers application/json only.";
			case 413 -> "The request body is too large.";
			case 415 -> "Send the body as application/json.";
			default -> status.is5xxServerError() ? "Something went wrong on our side. The server log has the details."
					: status.getReasonPhrase() + ".";
		};
	}

}
