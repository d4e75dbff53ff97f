package dev.patchwave.web.api;

import dev.patchwave.orchestrator.window.WindowRequest;
import dev.patchwave.orchestrator.window.WindowService;
import dev.patchwave.orchestrator.window.WindowView;
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
import org.springframework.web.bind.annotation.RestController;

/**
 * Maintenance windows and blackouts by name: change managers and admins write them,
 * everyone reads them.
 */
@RestController
@RequestMapping("/api/v1/windows")
class WindowController {

	private final WindowService windows;

	WindowController(WindowService windows) {
		this.windows = windows;
	}

	@GetMapping
	List<WindowView> list() {
		return this.windows.list();
	}

	@GetMapping("/{name}")
	WindowView get(@PathVariable String name) {
		return this.windows.get(name);
	}

	@PostMapping
	ResponseEntity<WindowView> create(@RequestBody WindowRequest request, Principal user) {
		WindowView created = this.windows.create(request, user.getName());
		return ResponseEntity.created(URI.create("/api/v1/windows/" + created.name())).body(created);
	}

	@PutMapping("/{name}")
	WindowView update(@PathVariable String name, @RequestBody WindowRequest request, Principal user) {
		return this.windows.update(name, request, user.getName());
	}

	@DeleteMapping("/{name}")
	ResponseEntity<Void> delete(@PathVariable String name) {
		this.windows.delete(name);
		return ResponseEntity.noContent().build();
	}

}
