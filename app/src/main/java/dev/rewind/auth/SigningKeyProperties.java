package dev.rewind.auth;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Signing keys and API tokens.
 *
 * @param masterKey base64 of 32 random bytes that seal the private halves of the signing keys;
 *     every replica needs the same one
 * @param keyRotation how long a signing key signs before a new one takes over
 * @param apiTokenMaxTtl the longest lifetime an API token may have; a retired key keeps verifying
 *     for this long
 */
@ConfigurationProperties("rewind.security")
public record SigningKeyProperties(
        String masterKey,
        @DefaultValue("30d") Duration keyRotation,
        @DefaultValue("365d") Duration apiTokenMaxTtl) {}
