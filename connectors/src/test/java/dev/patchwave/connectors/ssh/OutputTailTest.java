package dev.patchwave.connectors.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutputTailTest {

	@Test
	void keepsTheWholeOutputWhenItFits() {
		OutputTail tail = new OutputTail(64);

		write(tail, "line one\nline two\n");

		assertThat(tail.text()).isEqualTo("line one\nline two\n");
	}

	@Test
	void keepsTheLastBytesFromTheFirstWholeLine() {
		OutputTail tail = new OutputTail(16);

		write(tail, "password=hunter2 is far too long\nlast line\n");

		assertThat(tail.text()).isEqualTo("last line\n");
	}

	@Test
	void keepsNothingWhenItsCapacityIsZero() {
		OutputTail tail = new OutputTail(0);

		write(tail, "anything");

		assertThat(tail.text()).isEmpty();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			token=abc123                       | token=[redacted]
			DB_PASSWORD = s3cr3t rest          | DB_PASSWORD = [redacted] rest
			client_secret: "two words" done    | client_secret: [redacted] done
			{"apiKey": "k-1"}                  | {"apiKey": [redacted]}
			unlock with open sesame            | unlock with [redacted]
			tokens of appreciation             | tokens of appreciation
			""")
	void redactsThePassphraseAndAssignedSecrets(String output, String redacted) {
		assertThat(new Redaction("open sesame").apply(output)).isEqualTo(redacted);
	}

	private static void write(OutputTail tail, String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		tail.write(bytes, 0, bytes.length);
	}

}
