package dev.patchwave.connectors.awx;

/**
 * AWX answered but refused the request (HTTP 4xx other than 401, 403 and 429): a job
 * template that is missing or set up wrongly, a launch it does not accept. Neither the
 * targets' fault nor an outage, so it leaves the circuit breaker alone; repeating the
 * request does not help until someone fixes AWX's side.
 */
class AwxRejectedException extends RuntimeException {

	private final int status;

	AwxRejectedException(int status, String message) {
		super(message);
		this.status = status;
	}

	int status() {
		return this.status;
	}

}
