package dev.rewind.auth;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The Webex integration Rewind signs viewers in with ({@code REWIND_WEBEX_CLIENT_ID}, {@code
 * REWIND_WEBEX_CLIENT_SECRET}); sign-in uses Webex when both are set.
 */
@ConfigurationProperties("rewind.webex")
public record WebexCredentials(String clientId, String clientSecret) {
    boolean configured() {
        return clientId != null
                && !clientId.isBlank()
                && clientSecret != null
                && !clientSecret.isBlank();
    }
}
