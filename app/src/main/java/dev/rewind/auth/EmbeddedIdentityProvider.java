package dev.rewind.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * An OpenID Connect provider on loopback for embedded mode (mock-oauth2-server), so that signing in
 * follows the same code path as with Webex: its login form asks for an e-mail address and issues a
 * signed ID token with it, verified.
 */
final class EmbeddedIdentityProvider implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedIdentityProvider.class);
    static final String ISSUER_ID = "rewind";
    static final String CLIENT_ID = "rewind";

    private final MockOAuth2Server server;

    private EmbeddedIdentityProvider(MockOAuth2Server server) {
        this.server = server;
    }

    /**
     * Starts the provider on loopback at {@code port} (0 picks one), its login page under dataDir.
     */
    static EmbeddedIdentityProvider start(Path dataDir, int port) {
        Path loginPage = dataDir.resolve("sign-in").resolve("login.html");
        try (InputStream page =
                EmbeddedIdentityProvider.class.getResourceAsStream(
                        "/sign-in/embedded-login.html")) {
            Files.createDirectories(loginPage.getParent());
            Files.copy(page, loginPage, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the embedded sign-in page", e);
        }
        var config =
                new OAuth2Config(
                        true,
                        loginPage.toString(),
                        null,
                        false,
                        new OAuth2TokenProvider(),
                        Set.of(),
                        new MockWebServerWrapper());
        var server = new MockOAuth2Server(config);
        server.start(InetAddress.getLoopbackAddress(), port);
        var provider = new EmbeddedIdentityProvider(server);
        log.warn(
                "Viewers sign in with the embedded OpenID Connect provider at {}, which signs in"
                        + " anyone who types an e-mail address; set REWIND_WEBEX_CLIENT_ID and"
                        + " REWIND_WEBEX_CLIENT_SECRET to sign viewers in with Webex",
                provider.issuer());
        return provider;
    }

    String issuer() {
        return server.issuerUrl(ISSUER_ID).toString();
    }

    String authorizationUri() {
        return server.authorizationEndpointUrl(ISSUER_ID).toString();
    }

    String tokenUri() {
        return server.tokenEndpointUrl(ISSUER_ID).toString();
    }

    String jwkSetUri() {
        return server.jwksUrl(ISSUER_ID).toString();
    }

    @Override
    public void destroy() {
        server.shutdown();
    }
}
