package dev.rewind;

import dev.rewind.config.EmbeddedPostgres;
import dev.rewind.storage.ObjectStore;
import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Says in one line, once the server is ready, which database and object store it uses. */
@Component
@ConditionalOnWebApplication
class StartupReport {
    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

    private final ObjectProvider<EmbeddedPostgres> embedded;
    private final ObjectStore store;
    private final Environment environment;

    StartupReport(
            ObjectProvider<EmbeddedPostgres> embedded, ObjectStore store, Environment environment) {
        this.embedded = embedded;
        this.store = store;
        this.environment = environment;
    }

    @EventListener(ApplicationReadyEvent.class)
    void report() {
        long uptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
        log.info(
                "Rewind ready in {} ms on port {}: {}",
                uptimeMs,
                environment.getProperty("local.server.port"),
                services());
    }

    /** Which database and object store this server uses, without any credential. */
    String services() {
        return "database " + database() + "; storage " + store.description();
    }

    private String database() {
        EmbeddedPostgres postgres = embedded.getIfAvailable();
        if (postgres != null) {
            return "embedded PostgreSQL at "
                    + postgres.host()
                    + ":"
                    + postgres.port()
                    + " ("
                    + postgres.cluster()
                    + ")";
        }
        return "PostgreSQL at "
                + withoutCredentials(environment.getProperty("spring.r2dbc.url", ""));
    }

    /** Drops any {@code user:password@} part of a URL. */
    static String withoutCredentials(String url) {
        return url.replaceFirst("//[^/@]*@", "//");
    }
}
