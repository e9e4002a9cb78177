package dev.rewind.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Keeps a signed-in viewer in their own identity cookie, not on the server: signing in sets it, and
 * every later request is the viewer it names while its signature and expiry hold.
 */
final class IdentityCookieRepository implements ServerSecurityContextRepository {
    private static final Logger log = LoggerFactory.getLogger(IdentityCookieRepository.class);

    private final ViewerTokens tokens;
    private final ViewerCookies cookies;

    IdentityCookieRepository(ViewerTokens tokens, ViewerCookies cookies) {
        this.tokens = tokens;
        this.cookies = cookies;
    }

    @Override
    public Mono<Void> save(ServerWebExchange exchange, SecurityContext context) {
        if (context == null
                || !(context.getAuthentication() instanceof OAuth2AuthenticationToken signIn)
                || !(signIn.getPrincipal() instanceof OidcUser user)) {
            return Mono.empty();
        }
        var viewer =
                new ViewerIdentity(
                        user.getSubject(), user.getEmail(), user.getIssuer().toString(), null);
        return tokens.identity(viewer)
                .doOnNext(
                        identity -> {
                            exchange.getResponse().addCookie(cookies.identity(identity));
                            log.info(
                                    "Viewer {} signed in with {}",
                                    viewer,
                                    signIn.getAuthorizedClientRegistrationId());
                        })
                .then();
    }

    @Override
    public Mono<SecurityContext> load(ServerWebExchange exchange) {
        String token = cookies.identity(exchange.getRequest());
        if (token == null) {
            return Mono.empty();
        }
        return tokens.verifyIdentity(token)
                .<SecurityContext>map(
                        viewer -> new SecurityContextImpl(new ViewerAuthentication(viewer)))
                .onErrorResume(
                        JwtException.class,
                        e -> {
                            log.debug("Ignored an identity cookie: {}", e.getMessage());
                            return Mono.empty();
                        });
    }
}
