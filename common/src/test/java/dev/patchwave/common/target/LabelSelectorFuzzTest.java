package dev.patchwave.common.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Selectors come from anyone who may call the API: random text must only ever be parsed
 * or refused with the documented IllegalArgumentException, quickly, and the parser must
 * agree with the grammar the regular expression it replaced described.
 */
class LabelSelectorFuzzTest {

	// The grammar as the regular expression that used to parse selectors; kept here as
	// the
	// oracle only, on inputs short enough that its backtracking does not matter.
	private static final Pattern OLD_REQUIREMENT = Pattern
		.compile("\\s*(!)?\\s*([A-Za-z0-9_./-]+)\\s*(?:(==|=|!=)\\s*([A-Za-z0-9_./-]*))?\\s*");

	private static final String GRAMMAR = "ab0_./-=!, ";

	private static final String ANYTHING = GRAMMAR + "\t\n\r\u000B\f:;\"'\\{}()[]*+?é\u0000\u2028漢";

	private static final Map<String, String> LABELS = Map.of("a", "b", "b0", "", "a.b/c-d", "0");

	@Test
	void randomTextIsParsedOrRefusedAsTheOldGrammarWould() {
		Random random = new Random(20260111L);
		int parsed = 0;
		for (int i = 0; i < 50_000; i++) {
			String text = randomText(random, random.nextInt(30));
			Boolean expected = oracle(text);
			if (expected == null) {
				assertThatThrownBy(() -> LabelSelector.parse(text)).as("'%s'", text)
					.isExactlyInstanceOf(IllegalArgumentException.class)
					.hasMessageNotContaining("Exception");
			}
			else {
				LabelSelector selector = LabelSelector.parse(text);
				assertThat(selector.matches(LABELS)).as("'%s'", text).isEqualTo(expected);
				assertThat(selector.toString()).isEqualTo(text.trim());
				parsed++;
			}
		}
		// both outcomes must be well represented for the comparison to prove anything
		assertThat(parsed).isBetween(5_000, 45_000);
	}

	@Test
	void longRandomTextNeverThrowsAnythingElseAndNeverTakesLong() {
		Random random = new Random(7190L);
		// a regular expression that backtracks spends seconds on one such text; a linear
		// parser needs milliseconds for all of them
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			for (int i = 0; i < 5_000; i++) {
				String text = randomText(random, random.nextInt(LabelSelector.MAX_LENGTH + 200));
				try {
					LabelSelector.parse(text).matches(LABELS);
				}
				catch (IllegalArgumentException expected) {
					assertThat(expected.getMessage()).isNotBlank();
				}
			}
		});
	}

	@Test
	void textThatMadeTheRegularExpressionBacktrackParsesInLinearTime() {
		// Runs of blanks between names, ending in a character that fails the match: the
		// old
		// expression tried every way to split each run between its \s* groups, quadratic
		// in
		// the run's length. 2,000 of them at the length limit is 2 million characters.
		String spaces = " ".repeat(LabelSelector.MAX_LENGTH - 2);
		String[] hostile = { "a" + spaces + "#", "!" + spaces + "a#", "a=" + spaces + "#",
				"a".repeat(LabelSelector.MAX_LENGTH - 1) + "#" };
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			for (int i = 0; i < 500; i++) {
				for (String text : hostile) {
					assertThatThrownBy(() -> LabelSelector.parse(text))
						.isExactlyInstanceOf(IllegalArgumentException.class);
				}
			}
		});
	}

	@Test
	void aHundredKilobyteSelectorIsRefusedForItsLength() {
		String text = "a=b,".repeat(25_000) + "c=d";

		assertTimeoutPreemptively(Duration.ofSeconds(5),
				() -> assertThatThrownBy(() -> LabelSelector.parse(text))
					.isExactlyInstanceOf(IllegalArgumentException.class)
					.hasMessage("at most 1000 characters, got 100003"));
	}

	/**
	 * Whether the old grammar accepted the text and, if so, whether it matched LABELS.
	 */
	private static Boolean oracle(String text) {
		if (text.isBlank()) {
			return null;
		}
		boolean all = true;
		for (String part : text.split(",", -1)) {
			Matcher matcher = OLD_REQUIREMENT.matcher(part);
			if (!matcher.matches() || (matcher.group(1) != null && matcher.group(3) != null)) {
				return null;
			}
			String actual = LABELS.get(matcher.group(2));
			boolean holds;
			if (matcher.group(3) == null) {
				holds = (matcher.group(1) != null) == (actual == null);
			}
			else {
				holds = matcher.group(4).equals(actual) == !matcher.group(3).equals("!=");
			}
			all &= holds;
		}
		return all;
	}

	private static String randomText(Random random, int length) {
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			// mostly the selector's own characters, so that many texts are selectors
			String alphabet = random.nextInt(10) < 9 ? GRAMMAR : ANYTHING;
			text.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return text.toString();
	}

}
