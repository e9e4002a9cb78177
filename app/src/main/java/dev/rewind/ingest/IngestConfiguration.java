package dev.rewind.ingest;

import dev.rewind.catalog.StreamRepository;
import dev.rewind.config.RewindProperties;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the RTMP and RTMPS listeners. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class IngestConfiguration {
    private static final Logger log = LoggerFactory.getLogger(IngestConfiguration.class);

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
            ObjectProvider<PublicationHandler> handler,
            Clock clock)
            throws IOException {
        IngestServices services =
                new IngestServices(
                        properties,
                        streams::findByStreamKey,
                        new KeyAttempts(properties.maxFailedKeys()),
                        publishers,
                        handler.getIfAvailable(IngestConfiguration::discard),
                        clock);
        String host = rewind.publicUrl().getHost();
        return new IngestServer(
                services, IngestTls.context(properties.tls(), rewind.dataDir(), host));
    }

    /** Until packaging consumes publications, their tags are read and dropped. */
    private static PublicationHandler discard() {
        return publication ->
                publication
                        .tags()
                        .count()
                        .doOnNext(
                                count ->
                                        log.debug(
                                                "Stream {}: {} tags dropped",
                                                publication.streamId(),
                                                count))
                        .then();
    }
}
