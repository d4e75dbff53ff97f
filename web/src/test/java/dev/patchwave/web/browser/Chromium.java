package dev.patchwave.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;

/**
 * Debian's Chromium driven by Playwright, as the browser tests run it: nothing
 * downloaded, headless, no sandbox (CI runs as root), nothing that calls out of the
 * machine.
 */
public final class Chromium implements AutoCloseable {

	private static final Path EXECUTABLE = Path.of("/usr/bin/chromium");

	private final Playwright playwright;

	private final Browser browser;

	private Chromium(Playwright playwright, Browser browser) {
		this.playwright = playwright;
		this.browser = browser;
	}

	public static Chromium launch() {
		assertThat(Files.isExecutable(EXECUTABLE))
			.withFailMessage("The browser tests need Chromium at %s; install it with: apt-get install -y chromium",
					EXECUTABLE)
			.isTrue();
		Playwright playwright = Playwright
			.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
		Browser browser = playwright.chromium()
			.launch(new BrowserType.LaunchOptions().setExecutablePath(EXECUTABLE)
				.setHeadless(true)
				.setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
						"--disable-background-networking", "--disable-component-update", "--disable-sync")));
		// rollouts run on real timers; 30 s leaves a slow machine room without hiding a
		// page that never updates
		PlaywrightAssertions.setDefaultAssertionTimeout(30_000);
		return new Chromium(playwright, browser);
	}

	public Browser browser() {
		return this.browser;
	}

	/**
	 * Saves the page as it was when a test failed, under
	 * {@code target/playwright/<test>.png}.
	 */
	public static AfterTestExecutionCallback screenshotOnFailure(Supplier<Page> page) {
		return extension -> {
			if (extension.getExecutionException().isPresent() && page.get() != null) {
				page.get()
					.screenshot(new Page.ScreenshotOptions().setFullPage(true)
						.setPath(
								Path.of("target", "playwright", extension.getRequiredTestMethod().getName() + ".png")));
			}
		};
	}

	@Override
	public void close() {
		this.playwright.close();
	}

}
