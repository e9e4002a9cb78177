package dev.rewind.ingest;

import dev.rewind.catalog.StreamRepository;
import dev.rewind.config.RewindProperties;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

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

    /** Until packaging consumes publications, their tags are read and dropped. */
    @Bean
    @ConditionalOnMissingBean
    PublicationHandler discardingPublicationHandler() {
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
                        .then(Mono.empty());
    }
}
