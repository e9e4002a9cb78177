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

    /**
     * The embedded server as JDBC connection details: as {@link FlywayConnectionDetails} they point
     * Flyway at it, and as {@link JdbcConnectionDetails} they tell Flyway's auto-configuration that
     * a database exists.
     */
    @Bean
    EmbeddedJdbcDetails embeddedJdbcDetails(EmbeddedPostgres postgres) {
        return new EmbeddedJdbcDetails(postgres);
    }

    /** The embedded server as a JDBC URL with credentials. */
    record EmbeddedJdbcDetails(EmbeddedPostgres postgres)
            implements JdbcConnectionDetails, FlywayConnectionDetails {

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

        @Override
        public String getDriverClassName() {
            return "org.postgresql.Driver";
        }
    }
}
