package dev.patchwave.web.api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits of the API beyond each field's own: {@code maxBodySize}, the largest request
 * body read (8 MB: a batch of 10,000 targets with a few labels each), and
 * {@code maxImportSize}, the largest CSV file of targets, which is read as a stream, not
 * held (128 MB: 100,000 targets with labels to spare; 100,000 with six labels take 11
 * MB).
 */
@ConfigurationProperties("patchwave.api")
public record ApiProperties(@DefaultValue("8MB") DataSize maxBodySize, @DefaultValue("128MB") DataSize maxImportSize) {

}
