package dev.rewind.catalog;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Broadcasts in PostgreSQL. */
@Repository
public class BroadcastRepository {
    private static final String COLUMNS =
            """
            select id, stream_id, state, started_at, ended_at, end_reason, target_duration,
                codecs, width, height, frame_rate
            from broadcasts
            """;
    private static final String SELECT = COLUMNS + " where stream_id = :stream";
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

    /** One broadcast of a stream; empty when the stream has no broadcast with that id. */
    public Mono<Broadcast> findByStreamIdAndId(String streamId, String id) {
        return db.sql(SELECT + " and id = :id")
                .bind("stream", streamId)
                .bind("id", id)
                .map(BroadcastRepository::toBroadcast)
                .one();
    }

    /** The stream's live broadcast, or else its newest one. */
    public Mono<Broadcast> findCurrentByStreamId(String streamId) {
        return db.sql(SELECT + " order by state = 'live' desc, started_at desc, id desc limit 1")
                .bind("stream", streamId)
                .map(BroadcastRepository::toBroadcast)
                .one();
    }

    /** The stream's live broadcast, if any. */
    public Mono<Broadcast> findLiveByStreamId(String streamId) {
        return db.sql(SELECT + " and state = 'live'")
                .bind("stream", streamId)
                .map(BroadcastRepository::toBroadcast)
                .one();
    }

    /**
     * Starts a live broadcast ingested by {@code node}; returns the media sequence number its first
     * segment takes, which continues the stream's.
     */
    public Mono<Long> insertLive(String id, String streamId, Instant startedAt, String node) {
        return db.sql(
                        """
                        with b as (
                            insert into broadcasts (id, stream_id, state, started_at, ingest_node)
                            values (:id, :stream, 'live', :startedAt, :node)
                            returning stream_id)
                        select s.next_media_sequence from streams s join b on b.stream_id = s.id
                        """)
                .bind("id", id)
                .bind("stream", streamId)
                .bind("startedAt", startedAt.atOffset(ZoneOffset.UTC))
                .bind("node", node)
                .map(row -> row.get("next_media_sequence", Long.class))
                .one();
    }

    /** The media sequence number that the next segment of a live broadcast takes. */
    public Mono<Long> nextMediaSequence(String id) {
        return db.sql(
                        """
                        select coalesce(max(g.media_sequence) + 1, s.next_media_sequence) as next
                        from broadcasts b join streams s on s.id = b.stream_id
                        left join segments g on g.broadcast_id = b.id
                        where b.id = :id group by s.next_media_sequence
                        """)
                .bind("id", id)
                .map(row -> row.get("next", Long.class))
                .one();
    }

    /** Ends a live broadcast; false when it was not live. */
    public Mono<Boolean> end(String id, String reason, Instant endedAt) {
        return db.sql(
                        """
                        update broadcasts set state = 'ended', ended_at = :endedAt,
                            end_reason = :reason
                        where id = :id and state = 'live'
                        """)
                .bind("id", id)
                .bind("reason", reason)
                .bind("endedAt", endedAt.atOffset(ZoneOffset.UTC))
                .fetch()
                .rowsUpdated()
                .map(rows -> rows > 0);
    }

    /** Ends the broadcasts that a node was ingesting when it stopped; counts them. */
    public Mono<Long> endAllIngestedBy(String node, String reason) {
        return db.sql(
                        """
                        update broadcasts set state = 'ended', end_reason = :reason,
                            ended_at = greatest(started_at, coalesce(
                                (select max(created_at) from segments where broadcast_id = id),
                                started_at))
                        where state = 'live' and ingest_node = :node
                        """)
                .bind("node", node)
                .bind("reason", reason)
                .fetch()
                .rowsUpdated();
    }

    /** Records the media description that the multivariant playlist announces. */
    public Mono<Void> updateMedia(
            String id, String codecs, Integer width, Integer height, Double frameRate) {
        var spec =
                db.sql(
                                """
                                update broadcasts set codecs = :codecs, width = :width,
                                    height = :height, frame_rate = :frameRate
                                where id = :id
                                """)
                        .bind("id", id)
                        .bind("codecs", codecs);
        spec = width == null ? spec.bindNull("width", Integer.class) : spec.bind("width", width);
        spec =
                height == null
                        ? spec.bindNull("height", Integer.class)
                        : spec.bind("height", height);
        spec =
                frameRate == null
                        ? spec.bindNull("frameRate", Double.class)
                        : spec.bind("frameRate", frameRate);
        return spec.then();
    }

    /** Fixes the target duration of a broadcast unless it already has one; returns it. */
    public Mono<Integer> fixTargetDuration(String id, int seconds) {
        return db.sql(
                        """
                        update broadcasts set target_duration = coalesce(target_duration, :t)
                        where id = :id returning target_duration
                        """)
                .bind("id", id)
                .bind("t", seconds)
                .map(row -> row.get("target_duration", Integer.class))
                .one();
    }

    /**
     * Deletes the ended broadcasts older than their stream's retention, queueing their media for
     * deletion in the same transaction; counts them.
     */
    public Mono<Long> deleteExpired() {
        return db.sql(
                        """
                        with gone as (
                            delete from broadcasts b using streams s
                            where b.stream_id = s.id and b.state = 'ended'
                                and b.ended_at < now() - make_interval(days => s.retention_days)
                            returning b.id, b.stream_id)
                        insert into media_deletions (stream_id, broadcast_id)
                        select stream_id, id from gone
                        """)
                .fetch()
                .rowsUpdated();
    }

    static Broadcast toBroadcast(Readable row) {
        return new Broadcast(
                row.get("id", String.class),
                row.get("stream_id", String.class),
                row.get("state", String.class),
                StreamRepository.instant(row, "started_at"),
                StreamRepository.instant(row, "ended_at"),
                row.get("end_reason", String.class),
                row.get("target_duration", Integer.class),
                row.get("codecs", String.class),
                row.get("width", Integer.class),
                row.get("height", Integer.class),
                row.get("frame_rate", Double.class));
    }
}
