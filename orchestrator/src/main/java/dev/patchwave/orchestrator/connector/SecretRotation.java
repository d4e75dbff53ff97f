package dev.patchwave.orchestrator.connector;

import java.util.Optional;

/**
 * The key being rotated away from, while a rotation is under way: secrets it reads are
 * encrypted again with the current key at start.
 */
record SecretRotation(Optional<SecretCipher> previous) {

}
