package dev.rewind.auth;

import dev.rewind.config.RewindProperties;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenValidator;
import org.springframework.security.oauth2.client.oidc.authentication.ReactiveOidcIdTokenDecoderFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoderFactory;

/**
 * Which OpenID Connect provider viewers sign in with: Webex when its credentials are set, else the
 * provider at {@code rewind.auth.oidc.issuer-uri}, else (outside production) the embedded one on
 * loopback. Every ID token must carry a verified e-mail address; Webex's must name one of the
 * allowed issuers.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class SignInConfiguration {
    private static final Logger log = LoggerFactory.getLogger(SignInConfiguration.class);
    static final String WEBEX = "webex";
    static final String OIDC = "oidc";
    static final String EMBEDDED = "embedded";
    private static final String REDIRECT_URI = "{baseUrl}/login/oauth2/code/{registrationId}";
    private static final List<String> PRODUCTION_PROFILES = List.of("prod", "production");
    private static final int MAX_SUBJECT = 255;
    private static final int MAX_EMAIL = 254;

    /** The provider viewers sign in with, if any, and the embedded one when it runs. */
    record SignInProvider(
            Optional<ClientRegistration> registration, Optional<EmbeddedIdentityProvider> embedded)
            implements DisposableBean {
        @Override
        public void destroy() {
            embedded.ifPresent(EmbeddedIdentityProvider::destroy);
        }
    }

    @Bean
    SignInProvider signInProvider(
            WebexCredentials webex,
            ViewerProperties viewers,
            RewindProperties rewind,
            Environment environment) {
        if (webex.configured()) {
            return new SignInProvider(Optional.of(webex(webex, viewers.webex())), Optional.empty());
        }
        if (viewers.oidc().configured()) {
            return new SignInProvider(Optional.of(oidc(viewers.oidc())), Optional.empty());
        }
        boolean production =
                Arrays.stream(environment.getActiveProfiles())
                        .anyMatch(PRODUCTION_PROFILES::contains);
        if (!production && viewers.embeddedProvider().enabled()) {
            // never with Webex, another provider or a production profile
            var embedded =
                    EmbeddedIdentityProvider.start(
                            rewind.dataDir(), viewers.embeddedProvider().port());
            return new SignInProvider(Optional.of(embedded(embedded)), Optional.of(embedded));
        }
        log.warn(
                "Viewer sign-in is off: set REWIND_WEBEX_CLIENT_ID and REWIND_WEBEX_CLIENT_SECRET,"
                        + " or rewind.auth.oidc.issuer-uri; only playback tokens admit viewers");
        return new SignInProvider(Optional.empty(), Optional.empty());
    }

    /** ID token checks on top of OpenID Connect's own (signature, audience, expiry, nonce). */
    @Bean
    ReactiveJwtDecoderFactory<ClientRegistration> idTokenDecoderFactory(ViewerProperties viewers) {
        var factory = new ReactiveOidcIdTokenDecoderFactory();
        factory.setJwtValidatorFactory(
                registration -> {
                    List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
                    validators.add(new OidcIdTokenValidator(registration));
                    validators.add(SignInConfiguration::requireVerifiedEmail);
                    validators.add(SignInConfiguration::requireUsableIdentity);
                    if (WEBEX.equals(registration.getRegistrationId())) {
                        validators.add(allowedIssuers(viewers.webex().issuers()));
                    }
                    return new DelegatingOAuth2TokenValidator<>(validators);
                });
        return factory;
    }

    private static OAuth2TokenValidatorResult requireVerifiedEmail(Jwt idToken) {
        Object verified = idToken.getClaims().get("email_verified");
        boolean ok =
                idToken.getClaims().get("email") instanceof String email
                        && email.contains("@")
                        && email.chars().noneMatch(c -> Character.isWhitespace(c) || c < ' ')
                        && (Boolean.TRUE.equals(verified) || "true".equals(verified));
        return ok
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(
                        new OAuth2Error(
                                "invalid_id_token",
                                "The ID token has no verified e-mail address",
                                null));
    }

    /**
     * A subject, which Spring Security needs, and a subject and e-mail address short enough to fit
     * the identity cookie (browsers drop cookies over 4 KB, which would send the viewer back to
     * sign in forever). No real address is longer than 254 characters (RFC 5321).
     */
    private static OAuth2TokenValidatorResult requireUsableIdentity(Jwt idToken) {
        String subject = idToken.getSubject();
        String email = idToken.getClaimAsString("email");
        boolean ok =
                subject != null
                        && !subject.isBlank()
                        && subject.length() <= MAX_SUBJECT
                        && (email == null || email.length() <= MAX_EMAIL);
        return ok
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(
                        new OAuth2Error(
                                "invalid_id_token",
                                "The ID token has no subject, or a subject or e-mail address"
                                        + " too long to keep in a cookie",
                                null));
    }

    private static OAuth2TokenValidator<Jwt> allowedIssuers(List<String> issuers) {
        return idToken -> {
            Object issuer = idToken.getClaims().get("iss");
            return issuer != null && issuers.contains(issuer.toString())
                    ? OAuth2TokenValidatorResult.success()
                    : OAuth2TokenValidatorResult.failure(
                            new OAuth2Error(
                                    "invalid_id_token",
                                    "The ID token's issuer is not in rewind.auth.webex.issuers",
                                    null));
        };
    }

    private static ClientRegistration webex(
            WebexCredentials credentials, ViewerProperties.Webex webex) {
        // no issuer URI: Webex's ID tokens name cluster issuers that differ from its discovery
        // document, so the issuer is checked against rewind.auth.webex.issuers instead
        return ClientRegistration.withRegistrationId(WEBEX)
                .clientName("Webex")
                .clientId(credentials.clientId())
                .clientSecret(credentials.clientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(REDIRECT_URI)
                .scope("openid", "email", "profile")
                .authorizationUri(webex.authorizationUri().toString())
                .tokenUri(webex.tokenUri().toString())
                .jwkSetUri(webex.jwkSetUri().toString())
                .userNameAttributeName("sub")
                .clientSettings(proofKey())
                .build();
    }

    private static ClientRegistration oidc(ViewerProperties.Oidc oidc) {
        return ClientRegistrations.fromIssuerLocation(oidc.issuerUri().toString())
                .registrationId(OIDC)
                .clientId(oidc.clientId())
                .clientSecret(oidc.clientSecret())
                .redirectUri(REDIRECT_URI)
                .scope("openid", "email", "profile")
                .clientSettings(proofKey())
                .build();
    }

    private static ClientRegistration embedded(EmbeddedIdentityProvider provider) {
        return ClientRegistration.withRegistrationId(EMBEDDED)
                .clientName("Rewind embedded sign-in")
                .clientId(EmbeddedIdentityProvider.CLIENT_ID)
                .clientSecret("embedded")
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(REDIRECT_URI)
                .scope("openid", "email", "profile")
                .issuerUri(provider.issuer())
                .authorizationUri(provider.authorizationUri())
                .tokenUri(provider.tokenUri())
                .jwkSetUri(provider.jwkSetUri())
                .userNameAttributeName("sub")
                .clientSettings(proofKey())
                .build();
    }

    private static ClientRegistration.ClientSettings proofKey() {
        return ClientRegistration.ClientSettings.builder().requireProofKey(true).build();
    }
}
