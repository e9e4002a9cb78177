package dev.rewind.ingest;

import dev.rewind.catalog.StreamRepository;
import dev.rewind.config.RewindProperties;
import java.io.IOException;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the RTMP and RTMPS listeners. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class IngestConfiguration {
    @Bean
    Publishers publishers() {
        return new Publishers();
    }

    @Bean
    IngestServer ingestServer(
            IngestProperties properties,
            RewindProperties rewind,
            StreamRepository streams,
            Publishers publishers,
            PublicationHandler handler,
            Clock clock)
            throws IOException {
        IngestServices services =
                new IngestServices(
                        properties,
                        streams::findByStreamKey,
                        new KeyAttempts(properties.maxFailedKeys()),
                        publishers,
                        handler,
                        clock);
        String host = rewind.publicUrl().getHost();
        return new IngestServer(
                services, IngestTls.context(properties.tls(), rewind.dataDir(), host));
    }
}
