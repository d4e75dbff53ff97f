package dev.patchwave.connectors.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			web-1.example.com      | web-1.example.com | 22
			web-1:2222             | web-1             | 2222
			10.0.0.1               | 10.0.0.1          | 22
			[fe80::1]:2200         | fe80::1           | 2200
			[fe80::1]              | fe80::1           | 22
			fe80::1                | fe80::1           | 22
			""")
	void readsHostAndOptionalPort(String address, String host, int port) {
		assertThat(HostPort.parse(address, 22)).isEqualTo(new HostPort(host, port));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "web-1:", "web-1:0", "web-1:65536", "web-1:ssh", "[fe80::1", "[fe80::1]x", "a b" })
	void refusesWhatIsNotAnAddress(String address) {
		assertThatIllegalArgumentException().isThrownBy(() -> HostPort.parse(address, 22))
			.withMessageContaining("is not an SSH address");
	}

}
