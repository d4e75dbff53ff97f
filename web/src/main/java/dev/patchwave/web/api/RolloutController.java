package dev.patchwave.web.api;

import dev.patchwave.common.deployment.DeploymentState;
import dev.patchwave.orchestrator.InvalidInputException;
import dev.patchwave.orchestrator.Page;
import dev.patchwave.orchestrator.event.RolloutEvent;
import dev.patchwave.orchestrator.rollout.DeploymentView;
import dev.patchwave.orchestrator.rollout.RolloutPreview;
import dev.patchwave.orchestrator.rollout.RolloutRequest;
import dev.patchwave.orchestrator.rollout.RolloutService;
import dev.patchwave.orchestrator.rollout.RolloutView;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Plan rollouts, watch them, and act on them; every action is journaled with the
 * signed-in user.
 */
@RestController
@RequestMapping("/api/v1/rollouts")
class RolloutController {

	private final RolloutService rollouts;

	RolloutController(RolloutService rollouts) {
		this.rollouts = rollouts;
	}

	@PostMapping
	ResponseEntity<RolloutView> create(@RequestBody RolloutRequest request, Principal user) {
		RolloutView created = this.rollouts.create(request, user.getName());
		return ResponseEntity.created(URI.create("/api/v1/rollouts/" + created.id())).body(created);
	}

	/**
	 * Replaces a draft's plan; the body is the one create takes, checked the same way.
	 */
	@PutMapping("/{id}")
	RolloutView replace(@PathVariable long id, @RequestBody RolloutRequest request, Principal user) {
		return this.rollouts.replace(id, request, user.getName());
	}

	@DeleteMapping("/{id}")
	ResponseEntity<Void> delete(@PathVariable long id, Principal user) {
		this.rollouts.delete(id, user.getName());
		return ResponseEntity.noContent().build();
	}

	/** What the body would plan and when it would finish; creates nothing. */
	@PostMapping("/preview")
	RolloutPreview preview(@RequestBody RolloutRequest request) {
		return this.rollouts.preview(request);
	}

	@GetMapping
	Page<RolloutView> list(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
		Paging.check(page, size);
		return this.rollouts.list(page, size);
	}

	@GetMapping("/{id}")
	RolloutView get(@PathVariable long id) {
		return this.rollouts.detail(id);
	}

	@GetMapping("/{id}/deployments")
	Page<DeploymentView> deployments(@PathVariable long id, @RequestParam(required = false) DeploymentState state,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "100") int size) {
		Paging.check(page, size);
		return this.rollouts.deployments(id, state, page, size);
	}

	@GetMapping("/{id}/events")
	List<RolloutEvent> events(@PathVariable long id, @RequestParam(defaultValue = "0") long after,
			@RequestParam(defaultValue = "200") int limit) {
		if (limit < 1 || limit > 1000) {
			throw new InvalidInputException("limit", "must be from 1 to 1000");
		}
		return this.rollouts.events(id, after, limit);
	}

	@PostMapping("/{id}/start")
	RolloutView start(@PathVariable long id, Principal user) {
		return this.rollouts.start(id, user.getName());
	}

	@PostMapping("/{id}/pause")
	RolloutView pause(@PathVariable long id, Principal user) {
		return this.rollouts.pause(id, user.getName());
	}

	/**
	 * Resumes; a body may raise the halted wave's threshold, with the reason:
	 * {@code {"failureThreshold": "2", "reason": "..."}}.
	 */
	@PostMapping("/{id}/resume")
	RolloutView resume(@PathVariable long id, @RequestBody(required = false) ResumeRequest body, Principal user) {
		if (body == null || body.failureThreshold() == null) {
			return this.rollouts.resume(id, user.getName());
		}
		return this.rollouts.resume(id, user.getName(), body.failureThreshold(), body.reason());
	}

	@PostMapping("/{id}/waves/{wave}/approve")
	RolloutView approve(@PathVariable long id, @PathVariable int wave, @RequestBody(required = false) Decision body,
			Principal user) {
		return this.rollouts.approve(id, wave, user.getName(), body == null ? null : body.comment());
	}

	@PostMapping("/{id}/waves/{wave}/reject")
	RolloutView reject(@PathVariable long id, @PathVariable int wave, @RequestBody(required = false) Decision body,
			Principal user) {
		return this.rollouts.reject(id, wave, user.getName(), body == null ? null : body.comment());
	}

	/** Tries the failed targets again, of the whole rollout or of {@code ?wave=}. */
	@PostMapping("/{id}/retry-failed")
	RolloutView retryFailed(@PathVariable long id, @RequestParam(required = false) Integer wave, Principal user) {
		return this.rollouts.retryFailed(id, wave, user.getName());
	}

	@PostMapping("/{id}/targets/{target}/skip")
	RolloutView skip(@PathVariable long id, @PathVariable String target, @RequestBody(required = false) Skip body,
			Principal user) {
		return this.rollouts.skip(id, target, user.getName(), body == null ? null : body.reason());
	}

	/** Raises a halted wave's threshold on resume. */
	record ResumeRequest(String failureThreshold, String reason) {

	}

	/** An approver's comment; required to reject. */
	record Decision(String comment) {

	}

	/** Why a target is left out. */
	record Skip(String reason) {

	}

	@PostMapping("/{id}/abort")
	RolloutView abort(@PathVariable long id, Principal user) {
		return this.rollouts.abort(id, user.getName());
	}

	@PostMapping("/{id}/rollback")
	RolloutView rollback(@PathVariable long id, Principal user) {
		return this.rollouts.rollback(id, user.getName());
	}

	@PostMapping("/{id}/advance")
	RolloutView advance(@PathVariable long id, Principal user) {
		return this.rollouts.advance(id, user.getName());
	}

}
