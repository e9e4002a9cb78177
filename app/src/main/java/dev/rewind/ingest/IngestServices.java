package dev.rewind.ingest;

import dev.rewind.catalog.StreamKeyMatch;
import java.time.Clock;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/** What every RTMP session needs from the rest of Rewind. */
record IngestServices(
        IngestProperties properties,
        Function<byte[], Mono<StreamKeyMatch>> streamKeys,
        KeyAttempts keyAttempts,
        Publishers publishers,
        PublicationHandler handler,
        Clock clock) {}
