package dev.patchwave.web.demo;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Demo mode: seeds a simulated fleet on first start and opens demo logins.
 *
 * @param enabled whether to run as a demo
 * @param password the demo users' password; a random one is made and printed at start
 * when left empty
 * @param fleetSize how many simulated servers to seed
 * @param passwordFile where the demo password is written at start, readable by its owner
 * only, for whoever missed it on the console
 */
@ConfigurationProperties("patchwave.demo")
public record DemoProperties(@DefaultValue("false") boolean enabled, String password,
		@DefaultValue("1000") int fleetSize, @DefaultValue("./data/demo-password.txt") Path passwordFile) {

	@Override
	public String toString() {
		return "DemoProperties[enabled=%s, fleetSize=%d]".formatted(this.enabled, this.fleetSize);
	}

}
