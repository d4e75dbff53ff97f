package dev.patchwave.web.insight;

import dev.patchwave.orchestrator.NotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Reports and exports answer an unknown patch or rollout as the rest of the API does: 404
 * problem details naming what is missing. The API's own handler covers its package only.
 */
@RestControllerAdvice(basePackageClasses = ExportProblems.class)
class ExportProblems {

	@ExceptionHandler(NotFoundException.class)
	ProblemDetail notFound(NotFoundException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
		problem.setTitle("Not found");
		return problem;
	}

}
