package dev.patchwave.web.dashboard;

import dev.patchwave.web.demo.DemoProperties;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The sign-in page, in the console's own look and under its Content-Security-Policy
 * (Spring's generated page carries inline styles the policy refuses). In demo mode it
 * says where the demo password is; it never shows it.
 */
@Controller
class LoginPage {

	private final DemoProperties demo;

	LoginPage(DemoProperties demo) {
		this.demo = demo;
	}

	@GetMapping("/login")
	String login(Model model) {
		model.addAttribute("demo", this.demo.enabled());
		model.addAttribute("demoPasswordFile", this.demo.passwordFile());
		return "login";
	}

}
