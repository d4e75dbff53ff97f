package dev.patchwave.web.token;

import java.time.Duration;

/**
 * A token to create: a name saying what it is for, and how long it lives (ISO-8601, e.g.
 * {@code "P30D"}; the default lifetime when left out).
 */
public record TokenRequest(String name, Duration expiresIn) {

}
