package dev.rewind.auth;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How viewers sign in and how long what Rewind issues them lasts.
 *
 * @param grantTtl how long a grant to watch one stream lasts; the player refreshes it before then,
 *     so a policy change or a revocation takes effect within this long
 * @param identityTtl how long a viewer stays signed in (at most 8 hours)
 * @param playbackTokenMaxTtl the longest lifetime a playback token may have
 * @param webex Webex endpoints and the issuers its ID tokens may name
 * @param oidc any other OpenID Connect provider, found by its issuer URI
 * @param embeddedProvider the loopback provider that embedded mode signs viewers in with
 */
@ConfigurationProperties("rewind.auth")
public record ViewerProperties(
        @DefaultValue("10m") Duration grantTtl,
        @DefaultValue("8h") Duration identityTtl,
        @DefaultValue("24h") Duration playbackTokenMaxTtl,
        @DefaultValue Webex webex,
        @DefaultValue Oidc oidc,
        @DefaultValue EmbeddedProvider embeddedProvider) {
    static final Duration MAX_IDENTITY_TTL = Duration.ofHours(8);
    static final Duration MAX_PLAYBACK_TOKEN_TTL = Duration.ofHours(24);

    public ViewerProperties {
        if (identityTtl.isNegative()
                || identityTtl.isZero()
                || identityTtl.compareTo(MAX_IDENTITY_TTL) > 0) {
            throw new IllegalArgumentException(
                    "rewind.auth.identity-ttl must be more than 0 and at most 8h");
        }
        if (grantTtl.toSeconds() < 30 || grantTtl.compareTo(identityTtl) > 0) {
            throw new IllegalArgumentException(
                    "rewind.auth.grant-ttl must be at least 30s and at most"
                            + " rewind.auth.identity-ttl");
        }
        if (playbackTokenMaxTtl.isNegative()
                || playbackTokenMaxTtl.isZero()
                || playbackTokenMaxTtl.compareTo(MAX_PLAYBACK_TOKEN_TTL) > 0) {
            throw new IllegalArgumentException(
                    "rewind.auth.playback-token-max-ttl must be more than 0 and at most 24h");
        }
    }

    /**
     * Login with Webex. The client id and secret are {@code rewind.webex.client-id} and {@code
     * rewind.webex.client-secret} ({@code REWIND_WEBEX_CLIENT_ID}, {@code
     * REWIND_WEBEX_CLIENT_SECRET}).
     *
     * @param issuers the {@code iss} values Webex ID tokens may carry: Webex's identity brokers
     *     name themselves per cluster, and not as its discovery document does
     */
    public record Webex(
            @DefaultValue({
                        "https://idbroker.webex.com/idb",
                        "https://idbroker-b-us.webex.com/idb",
                        "https://idbroker-eu.webex.com/idb",
                        "https://idbroker-ca.webex.com/idb",
                        "https://idbroker-au.webex.com/idb"
                    })
                    List<String> issuers,
            @DefaultValue("https://webexapis.com/v1/authorize") URI authorizationUri,
            @DefaultValue("https://webexapis.com/v1/access_token") URI tokenUri,
            @DefaultValue("https://webexapis.com/v1/verification") URI jwkSetUri) {}

    /**
     * Any other OpenID Connect provider (Okta, Entra ID, Keycloak), used when its issuer is set.
     */
    public record Oidc(URI issuerUri, String clientId, String clientSecret) {
        boolean configured() {
            return issuerUri != null;
        }
    }

    /**
     * @param enabled false keeps it from starting even in embedded mode
     * @param port its loopback port; 0 picks a free one
     */
    public record EmbeddedProvider(@DefaultValue("true") boolean enabled, int port) {}
}
