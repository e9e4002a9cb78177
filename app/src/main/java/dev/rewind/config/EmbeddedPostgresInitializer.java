package dev.rewind.config;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Without {@code spring.r2dbc.url}, starts the embedded PostgreSQL before the application context
 * refreshes, on a thread of its own, so that extracting, initializing and starting it overlap with
 * the rest of start-up. It is registered as a bean that is destroyed last.
 */
public class EmbeddedPostgresInitializer
        implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment environment = context.getEnvironment();
        if (!environment.getProperty("spring.r2dbc.url", "").isEmpty()) {
            return;
        }
        RewindProperties rewind =
                Binder.get(environment).bindOrCreate("rewind", RewindProperties.class);
        // A command such as "token create" borrows a running server and leaves it running.
        boolean server = !environment.containsProperty(Commands.COMMAND_PROPERTY);
        var postgres = new EmbeddedPostgres(rewind.dataDir().resolve("postgres"), server);
        postgres.startInBackground();
        var beans = (DefaultListableBeanFactory) context.getBeanFactory();
        beans.registerSingleton("embeddedPostgres", postgres);
        beans.registerDisposableBean("embeddedPostgres", postgres::close);
    }
}
