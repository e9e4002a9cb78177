package dev.rewind.config;

import java.time.Clock;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The one scheduler that blocking work (process I/O, file I/O, blocking clients) runs on, and the
 * clock that every feature reads time from.
 */
@Configuration(proxyBeanMethods = false)
class RuntimeConfiguration {

    /**
     * Migrations run even in a context that creates its beans lazily, as operator commands do, so
     * that a command never meets an older schema than the jar expects.
     */
    @Bean
    static LazyInitializationExcludeFilter migrationsAreNeverLazy() {
        return LazyInitializationExcludeFilter.forBeanTypes(FlywayMigrationInitializer.class);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "dispose")
    Scheduler blockingScheduler() {
        return Schedulers.newBoundedElastic(
                Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE,
                Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE,
                "rewind-blocking");
    }
}
