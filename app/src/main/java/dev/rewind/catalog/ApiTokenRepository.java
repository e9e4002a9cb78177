package dev.rewind.catalog;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** API tokens in PostgreSQL: which exist, and which are revoked. */
@Repository
public class ApiTokenRepository {
    private static final String COLUMNS =
            "id, scopes, description, kid, created_at, expires_at, revoked_at";

    private final DatabaseClient db;

    ApiTokenRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> insert(
            String id, List<String> scopes, String description, String kid, Instant expiresAt) {
        var spec =
                db.sql(
                                """
                                insert into api_tokens (id, scopes, description, kid, expires_at)
                                values (:id, :scopes, :description, :kid, :expires)
                                """)
                        .bind("id", id)
                        .bind("scopes", scopes.toArray(String[]::new))
                        .bind("kid", kid)
                        .bind("expires", expiresAt.atOffset(ZoneOffset.UTC));
        spec =
                description == null
                        ? spec.bindNull("description", String.class)
                        : spec.bind("description", description);
        return spec.then();
    }

    public Mono<ApiTokenRecord> findById(String id) {
        return db.sql("select " + COLUMNS + " from api_tokens where id = :id")
                .bind("id", id)
                .map(ApiTokenRepository::toRecord)
                .one();
    }

    /** Tokens that have not expired, newest first. */
    public Flux<ApiTokenRecord> findUnexpired() {
        return db.sql(
                        "select "
                                + COLUMNS
                                + " from api_tokens where expires_at > now() order by created_at"
                                + " desc")
                .map(ApiTokenRepository::toRecord)
                .all();
    }

    /** Marks a token revoked; false when no such token exists. Revoking twice is harmless. */
    public Mono<Boolean> revoke(String id) {
        return db.sql(
                        """
                        update api_tokens set revoked_at = coalesce(revoked_at, now())
                        where id = :id
                        """)
                .bind("id", id)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows > 0);
    }

    /** Revokes every unexpired token with this description; emits how many. */
    public Mono<Long> revokeByDescription(String description) {
        return db.sql(
                        """
                        update api_tokens set revoked_at = now()
                        where description = :description and revoked_at is null
                          and expires_at > now()
                        """)
                .bind("description", description)
                .fetch()
                .rowsUpdated();
    }

    private static ApiTokenRecord toRecord(Readable row) {
        return new ApiTokenRecord(
                row.get("id", String.class),
                Arrays.asList(row.get("scopes", String[].class)),
                row.get("description", String.class),
                row.get("kid", String.class),
                StreamRepository.instant(row, "created_at"),
                StreamRepository.instant(row, "expires_at"),
                StreamRepository.instant(row, "revoked_at"));
    }
}
