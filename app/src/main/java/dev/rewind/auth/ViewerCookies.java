package dev.rewind.auth;

import dev.rewind.config.RewindProperties;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

/**
 * The two cookies a viewer holds: the identity (site-wide) and a grant per stream (sent only under
 * {@code /live/{streamId}/}). Both are {@code HttpOnly} and {@code SameSite=Lax}; they are {@code
 * Secure}, with the {@code __Host-} or {@code __Secure-} prefix, unless Rewind's public URL is
 * {@code http://localhost}, where browsers would not store a secure cookie.
 */
@Component
public class ViewerCookies {
    private static final String SIGN_IN_PATH = "/login/oauth2/";
    private static final int SIGN_IN_NAME_BYTES = 8;

    private final boolean secure;
    private final String identityName;
    private final String grantName;
    private final String signInPrefix;
    private final Clock clock;

    ViewerCookies(RewindProperties rewind, Clock clock) {
        this.secure = !isLocalHttp(rewind.publicUrl());
        this.identityName = secure ? "__Host-rewind-identity" : "rewind-identity";
        this.grantName = secure ? "__Secure-rewind-grant" : "rewind-grant";
        this.signInPrefix = secure ? "__Secure-rewind-sign-in-" : "rewind-sign-in-";
        this.clock = clock;
    }

    private static boolean isLocalHttp(URI url) {
        String host = url.getHost();
        return "http".equals(url.getScheme())
                && ("localhost".equals(host) || "127.0.0.1".equals(host) || "[::1]".equals(host));
    }

    public String identityName() {
        return identityName;
    }

    public String grantName() {
        return grantName;
    }

    /** The identity token the request carries, or null. */
    public String identity(ServerHttpRequest request) {
        HttpCookie cookie = request.getCookies().getFirst(identityName);
        return cookie == null || cookie.getValue().isEmpty() ? null : cookie.getValue();
    }

    /** The grant token the request carries, or null. */
    public String grant(ServerHttpRequest request) {
        HttpCookie cookie = request.getCookies().getFirst(grantName);
        return cookie == null || cookie.getValue().isEmpty() ? null : cookie.getValue();
    }

    public ResponseCookie identity(ViewerTokens.Issued identity) {
        return cookie(identityName, identity.token(), "/", identity.lifetime(clock));
    }

    public ResponseCookie clearIdentity() {
        return cookie(identityName, "", "/", Duration.ZERO);
    }

    public ResponseCookie grant(String streamId, ViewerTokens.Issued grant) {
        return cookie(grantName, grant.token(), grantPath(streamId), grant.lifetime(clock));
    }

    public ResponseCookie clearGrant(String streamId) {
        return cookie(grantName, "", grantPath(streamId), Duration.ZERO);
    }

    /** The cookie that holds the sign-in started with this state, until the provider's callback. */
    String signInName(String state) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(state.getBytes(StandardCharsets.UTF_8));
            return signInPrefix + HexFormat.of().formatHex(digest, 0, SIGN_IN_NAME_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    ResponseCookie signIn(String state, String value, Duration maxAge) {
        return cookie(signInName(state), value, SIGN_IN_PATH, maxAge);
    }

    ResponseCookie clearSignIn(String state) {
        return clearSignInNamed(signInName(state));
    }

    /** Whether a cookie of this name holds a sign-in in progress. */
    boolean isSignIn(String name) {
        return name.startsWith(signInPrefix);
    }

    ResponseCookie clearSignInNamed(String name) {
        return cookie(name, "", SIGN_IN_PATH, Duration.ZERO);
    }

    static String grantPath(String streamId) {
        return "/live/" + streamId + "/";
    }

    private ResponseCookie cookie(String name, String value, String path, Duration maxAge) {
        return ResponseCookie.from(name, value)
                .path(path)
                .maxAge(maxAge.isNegative() ? Duration.ZERO : maxAge)
                .httpOnly(true)
                .secure(secure)
                .sameSite("Lax")
                .build();
    }
}
