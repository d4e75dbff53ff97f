package dev.patchwave.web.api;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.databind.module.SimpleModule;

/**
 * JSON is read as written: a number where a whole number belongs is refused rather than
 * cut ({@code maxConcurrency: 1.5} is not 1), a number is not a duration or an instant
 * ({@code bakeTime: 5} is not PT5S), a string is not a number or a boolean, a key given
 * twice and anything after the value are errors. Each refusal names its field.
 */
@Configuration(proxyBeanMethods = false)
class StrictJson {

	@Bean
	JsonMapperBuilderCustomizer strictJsonTypes() {
		return builder -> builder.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
			.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
			.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
			.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
			// a number or boolean where text belongs is a mistake, not a name
			.withCoercionConfig(LogicalType.Textual,
					config -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.addModule(new SimpleModule("patchwave-iso-8601-text-only")
				.addDeserializer(Duration.class, new IsoText<>(Duration.class, Duration::parse))
				.addDeserializer(Instant.class, new IsoText<>(Instant.class, Instant::parse)));
	}

	/** Reads a java.time value from ISO-8601 text only. */
	private static final class IsoText<T> extends ValueDeserializer<T> {

		private final Class<T> type;

		private final Function<String, T> parse;

		IsoText(Class<T> type, Function<String, T> parse) {
			this.type = type;
			this.parse = parse;
		}

		@Override
		public T deserialize(JsonParser parser, DeserializationContext context) {
			if (!parser.hasToken(JsonToken.VALUE_STRING)) {
				return (T) context.handleUnexpectedToken(this.type, parser);
			}
			String text = parser.getString();
			try {
				return this.parse.apply(text.trim());
			}
			catch (DateTimeParseException | ArithmeticException ex) {
				return (T) context.handleWeirdStringValue(this.type, text, "not ISO-8601");
			}
		}

		@Override
		public Class<?> handledType() {
			return this.type;
		}

	}

}
