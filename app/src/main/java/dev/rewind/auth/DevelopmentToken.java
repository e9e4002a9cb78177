package dev.rewind.auth;

import dev.rewind.config.EmbeddedPostgres;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * In embedded mode, prints a ready-to-use API token on the console once the server is up, so that a
 * first {@code curl} works without any set-up. The token goes to standard output only, never to a
 * logger, and is never printed in any other mode.
 */
@Component
@ConditionalOnWebApplication
class DevelopmentToken {
    static final Duration TTL = Duration.ofDays(1);
    static final String DESCRIPTION = "embedded mode start-up token";
    private static final Logger log = LoggerFactory.getLogger(DevelopmentToken.class);

    private final ApiTokens tokens;
    private final ObjectProvider<EmbeddedPostgres> embedded;
    private final PrintStream console = System.out;

    DevelopmentToken(ApiTokens tokens, ObjectProvider<EmbeddedPostgres> embedded) {
        this.tokens = tokens;
        this.embedded = embedded;
    }

    @EventListener(ApplicationReadyEvent.class)
    void printToken() {
        if (embedded.getIfAvailable() == null) {
            return;
        }
        tokens.revokeByDescription(DESCRIPTION)
                .then(tokens.mint(List.of(ApiTokens.READ, ApiTokens.WRITE), TTL, DESCRIPTION))
                .subscribe(this::print, e -> log.warn("Could not mint the start-up API token", e));
    }

    private void print(ApiTokens.MintedToken minted) {
        console.printf(
                "%nRewind runs in embedded mode. API token %s (%s, valid until %s):%n%n"
                        + "    export REWIND_TOKEN=%s%n%n",
                minted.id(), String.join(" ", minted.scopes()), minted.expiresAt(), minted.token());
    }
}
