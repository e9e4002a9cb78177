package dev.rewind.storage;

import dev.rewind.config.Commands;
import dev.rewind.config.RewindProperties;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Without {@code rewind.storage.endpoint}, starts S3Proxy with its store under the data directory
 * before the application context refreshes, on a thread of its own, so that it starts while the
 * rest of Rewind does. Operator commands need no storage and skip it.
 */
public class EmbeddedStorageInitializer
        implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment environment = context.getEnvironment();
        if (!environment.getProperty("rewind.storage.endpoint", "").isEmpty()
                || environment.containsProperty(Commands.COMMAND_PROPERTY)) {
            return;
        }
        RewindProperties rewind =
                Binder.get(environment).bindOrCreate("rewind", RewindProperties.class);
        var s3 = new EmbeddedS3(rewind.dataDir().resolve("objects"));
        s3.startInBackground();
        var beans = (DefaultListableBeanFactory) context.getBeanFactory();
        beans.registerSingleton("embeddedS3", s3);
        beans.registerDisposableBean("embeddedS3", s3::stop);
    }
}
