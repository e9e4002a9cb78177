package dev.rewind.catalog;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;

/** Broadcasts in PostgreSQL. */
@Repository
public class BroadcastRepository {
    private static final String SELECT =
            """
            select id, stream_id, state, started_at, ended_at, end_reason
            from broadcasts
            where stream_id = :stream
            """;
    private static final String NEWEST_FIRST = " order by started_at desc, id desc limit :limit";

    private final DatabaseClient db;

    BroadcastRepository(DatabaseClient db) {
        this.db = db;
    }

    /** A stream's broadcasts, newest first. */
    public Flux<Broadcast> findByStreamIdOrderByStartedAtDesc(String streamId, int limit) {
        return db.sql(SELECT + NEWEST_FIRST)
                .bind("stream", streamId)
                .bind("limit", limit)
                .map(BroadcastRepository::toBroadcast)
                .all();
    }

    /** The broadcasts that follow the given one in newest-first order. */
    public Flux<Broadcast> findByStreamIdStartedBefore(
            String streamId, Instant startedAt, String id, int limit) {
        return db.sql(SELECT + " and (started_at, id) < (:startedAt, :id)" + NEWEST_FIRST)
                .bind("stream", streamId)
                .bind("startedAt", startedAt.atOffset(ZoneOffset.UTC))
                .bind("id", id)
                .bind("limit", limit)
                .map(BroadcastRepository::toBroadcast)
                .all();
    }

    private static Broadcast toBroadcast(Readable row) {
        return new Broadcast(
                row.get("id", String.class),
                row.get("stream_id", String.class),
                row.get("state", String.class),
                StreamRepository.instant(row, "started_at"),
                StreamRepository.instant(row, "ended_at"),
                row.get("end_reason", String.class));
    }
}
