package dev.rewind.catalog;

import java.time.Instant;
import java.util.List;

/** An API token's bookkeeping; the token itself is never stored. */
public record ApiTokenRecord(
        String id,
        List<String> scopes,
        String description,
        String kid,
        Instant createdAt,
        Instant expiresAt,
        Instant revokedAt) {}
