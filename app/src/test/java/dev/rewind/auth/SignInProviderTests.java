package dev.rewind.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.config.RewindProperties;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.security.oauth2.client.registration.ClientRegistration;

/** Which provider viewers sign in with; the embedded one only where nothing else is meant. */
class SignInProviderTests {
    private static final RewindProperties REWIND =
            new RewindProperties(
                    URI.create("http://localhost:8080"), Path.of("target/sign-in-tests"));
    private static final WebexCredentials NO_WEBEX = new WebexCredentials(null, null);

    @Test
    void webexCredentialsMeanWebexAndNoEmbeddedProvider() {
        var provider =
                new SignInConfiguration()
                        .signInProvider(
                                new WebexCredentials("client", "secret"),
                                viewers(true),
                                REWIND,
                                new MockEnvironment());
        ClientRegistration webex = provider.registration().orElseThrow();
        assertThat(webex.getRegistrationId()).isEqualTo("webex");
        assertThat(webex.getProviderDetails().getAuthorizationUri())
                .isEqualTo("https://webexapis.com/v1/authorize");
        assertThat(webex.getProviderDetails().getTokenUri())
                .isEqualTo("https://webexapis.com/v1/access_token");
        assertThat(webex.getProviderDetails().getJwkSetUri())
                .isEqualTo("https://webexapis.com/v1/verification");
        assertThat(webex.getScopes()).containsExactlyInAnyOrder("openid", "email", "profile");
        assertThat(webex.getClientSettings().isRequireProofKey()).isTrue();
        assertThat(provider.embedded()).isEmpty();
    }

    @Test
    void aProductionProfileNeverStartsTheEmbeddedProvider() {
        for (String profile : List.of("prod", "production")) {
            var environment = new MockEnvironment();
            environment.setActiveProfiles(profile);
            var provider =
                    new SignInConfiguration()
                            .signInProvider(NO_WEBEX, viewers(true), REWIND, environment);
            assertThat(provider.registration()).as(profile).isEmpty();
            assertThat(provider.embedded()).as(profile).isEmpty();
        }
    }

    @Test
    void embeddedModeRunsTheLoopbackProviderUnlessTurnedOff() throws Exception {
        var provider =
                new SignInConfiguration()
                        .signInProvider(NO_WEBEX, viewers(true), REWIND, new MockEnvironment());
        try {
            assertThat(provider.registration().orElseThrow().getRegistrationId())
                    .isEqualTo("embedded");
            assertThat(provider.embedded().orElseThrow().issuer()).startsWith("http://localhost:");
        } finally {
            provider.destroy();
        }
        var off =
                new SignInConfiguration()
                        .signInProvider(NO_WEBEX, viewers(false), REWIND, new MockEnvironment());
        assertThat(off.registration()).isEmpty();
    }

    private static ViewerProperties viewers(boolean embedded) {
        return new ViewerProperties(
                Duration.ofMinutes(10),
                Duration.ofHours(8),
                Duration.ofHours(24),
                new ViewerProperties.Webex(
                        List.of("https://idbroker.webex.com/idb"),
                        URI.create("https://webexapis.com/v1/authorize"),
                        URI.create("https://webexapis.com/v1/access_token"),
                        URI.create("https://webexapis.com/v1/verification")),
                new ViewerProperties.Oidc(null, null, null),
                new ViewerProperties.EmbeddedProvider(embedded, 0));
    }
}
