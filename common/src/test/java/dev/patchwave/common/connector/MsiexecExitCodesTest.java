package dev.patchwave.common.connector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MsiexecExitCodesTest {

	@ParameterizedTest
	@CsvSource({ "0, SUCCEEDED", "3010, SUCCEEDED_REBOOT_PENDING", "1641, SUCCEEDED_REBOOT_PENDING",
			"1618, TRANSIENT_TARGET_ERROR", "1603, FATAL_TARGET_ERROR", "1619, FATAL_TARGET_ERROR" })
	void classifiesInstallerExitCodes(int exitCode, ResultCause cause) {
		assertThat(MsiexecExitCodes.classify(exitCode)).isEqualTo(cause);
	}

}
