package dev.rewind.catalog;

import java.time.Instant;

/**
 * One stored media segment of a broadcast, as its playlists list it.
 *
 * @param mediaSequence its EXT-X-MEDIA-SEQUENCE number; never decreases within a stream
 * @param durationUs its duration in microseconds
 * @param programDateTime when its first frame arrived at ingest
 * @param discontinuity whether EXT-X-DISCONTINUITY precedes it
 * @param discontinuitySequence the discontinuity sequence number it belongs to
 * @param initNumber which init segment (EXT-X-MAP) applies to it
 * @param independent whether it starts with a sync sample
 * @param objectKey where it is stored
 * @param sizeBytes its size
 */
public record Segment(
        String broadcastId,
        long mediaSequence,
        long durationUs,
        Instant programDateTime,
        boolean discontinuity,
        int discontinuitySequence,
        int initNumber,
        boolean independent,
        String objectKey,
        long sizeBytes) {}
