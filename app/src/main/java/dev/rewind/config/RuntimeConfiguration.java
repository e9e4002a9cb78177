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
    static final int BLOCKING_THREADS = 1024;

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

    /**
     * Up to {@value #BLOCKING_THREADS} threads, created on demand and dropped after a minute idle.
     * Each broadcast holds one for as long as it runs, reading FFmpeg's output; the cap must stay
     * well above twice the broadcasts per replica, or a broadcast's writes to FFmpeg could queue
     * behind another's endless read.
     */
    @Bean(destroyMethod = "dispose")
    Scheduler blockingScheduler() {
        return Schedulers.newBoundedElastic(
                BLOCKING_THREADS, Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE, "rewind-blocking");
    }
}
