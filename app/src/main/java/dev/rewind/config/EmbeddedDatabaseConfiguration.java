package dev.rewind.config;

import io.r2dbc.spi.ConnectionFactoryOptions;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Without {@code spring.r2dbc.url}, points R2DBC and Flyway at the embedded PostgreSQL that {@link
 * EmbeddedPostgresInitializer} started.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.r2dbc.url:}'.isEmpty()")
class EmbeddedDatabaseConfiguration {

    @Bean
    R2dbcConnectionDetails r2dbcConnectionDetails(EmbeddedPostgres postgres) {
        var options =
                ConnectionFactoryOptions.builder()
                        .option(ConnectionFactoryOptions.DRIVER, "postgresql")
                        .option(ConnectionFactoryOptions.HOST, postgres.host())
                        .option(ConnectionFactoryOptions.PORT, postgres.port())
                        .option(ConnectionFactoryOptions.USER, postgres.user())
                        .option(ConnectionFactoryOptions.PASSWORD, postgres.password())
                        .option(ConnectionFactoryOptions.DATABASE, postgres.database())
                        .build();
        return () -> options;
    }

    /** Lets Flyway's auto-configuration see that a database exists; Flyway reads it below. */
    @Bean
    JdbcConnectionDetails jdbcConnectionDetails(EmbeddedPostgres postgres) {
        return new JdbcConnectionDetails() {
            @Override
            public String getUsername() {
                return postgres.user();
            }

            @Override
            public String getPassword() {
                return postgres.password();
            }

            @Override
            public String getJdbcUrl() {
                return postgres.jdbcUrl();
            }
        };
    }

    @Bean
    FlywayConnectionDetails flywayConnectionDetails(EmbeddedPostgres postgres) {
        return new FlywayConnectionDetails() {
            @Override
            public String getUsername() {
                return postgres.user();
            }

            @Override
            public String getPassword() {
                return postgres.password();
            }

            @Override
            public String getJdbcUrl() {
                return postgres.jdbcUrl();
            }
        };
    }
}
