package dev.rewind.catalog;

import java.time.Instant;

/** One publishing session of a stream, from publish to its end. */
public record Broadcast(
        String id,
        String streamId,
        String state,
        Instant startedAt,
        Instant endedAt,
        String endReason) {}
