package dev.rewind.catalog;

import java.time.Instant;

/**
 * A stream as the catalog holds it. Its key exists only as a SHA-256 hash and never leaves the
 * catalog.
 *
 * @param live whether one of its broadcasts is live now
 */
public record Stream(
        String id,
        String title,
        ViewerPolicy viewers,
        int dvrWindowSeconds,
        int retentionDays,
        Instant createdAt,
        Instant updatedAt,
        boolean live,
        long seq) {}
