package dev.rewind.catalog;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Stored media segments in PostgreSQL. */
@Repository
public class SegmentRepository {
    private static final String INSERT =
            """
            with g as (
                insert into segments (broadcast_id, media_sequence, duration_us,
                    program_date_time, discontinuity, discontinuity_sequence, init_number,
                    independent, object_key, size_bytes)
                values (:broadcast, :seq, :duration, :pdt, :discontinuity, :dseq, :init,
                    :independent, :key, :size)
                returning broadcast_id, media_sequence),
            s as (
                update streams set next_media_sequence =
                    greatest(next_media_sequence, (select media_sequence + 1 from g))
                where id = (select stream_id from broadcasts where id = :broadcast))
            """;

    private final DatabaseClient db;

    SegmentRepository(DatabaseClient db) {
        this.db = db;
    }

    /**
     * Records a stored segment, and moves its stream's next media sequence number past it, so that
     * the numbers never decrease for a stream.
     */
    public Mono<Void> insert(Segment segment) {
        return bind(db.sql(INSERT + " select 1 from g"), segment).then();
    }

    /**
     * Records a broadcast's last segment and ends the broadcast in the same statement, so that no
     * playlist lists the segment without the end.
     */
    public Mono<Void> insertLast(Segment segment, String reason, Instant endedAt) {
        return bind(
                        db.sql(
                                INSERT
                                        + """
                                        update broadcasts set state = 'ended',
                                            ended_at = :endedAt, end_reason = :reason
                                        where id = (select broadcast_id from g) and state = 'live'
                                        """),
                        segment)
                .bind("reason", reason)
                .bind("endedAt", endedAt.atOffset(ZoneOffset.UTC))
                .then();
    }

    /**
     * A broadcast and its segments in media sequence order, read in one statement: one snapshot, so
     * that the broadcast's last segment is never seen without its end (or the other way round).
     */
    public Mono<Listing> findListing(String broadcastId) {
        return db.sql(
                        """
                        select b.id, b.stream_id, b.state, b.started_at, b.ended_at, b.end_reason,
                            b.target_duration, b.codecs, b.width, b.height, b.frame_rate,
                            b.id as broadcast_id, s.media_sequence, s.duration_us,
                            s.program_date_time, s.discontinuity, s.discontinuity_sequence,
                            s.init_number, s.independent, s.object_key, s.size_bytes
                        from broadcasts b left join segments s on s.broadcast_id = b.id
                        where b.id = :broadcast order by s.media_sequence
                        """)
                .bind("broadcast", broadcastId)
                .map(row -> new ListingRow(BroadcastRepository.toBroadcast(row), toSegment(row)))
                .all()
                .collectList()
                .filter(rows -> !rows.isEmpty())
                .map(SegmentRepository::toListing);
    }

    /** A broadcast with the segments stored at the same moment. */
    public record Listing(Broadcast broadcast, List<Segment> segments) {}

    private record ListingRow(Broadcast broadcast, Segment segment) {}

    private static Listing toListing(List<ListingRow> rows) {
        List<Segment> segments = new ArrayList<>(rows.size());
        for (ListingRow row : rows) {
            if (row.segment() != null) {
                segments.add(row.segment());
            }
        }
        return new Listing(rows.get(0).broadcast(), segments);
    }

    private static DatabaseClient.GenericExecuteSpec bind(
            DatabaseClient.GenericExecuteSpec spec, Segment segment) {
        return spec.bind("broadcast", segment.broadcastId())
                .bind("seq", segment.mediaSequence())
                .bind("duration", segment.durationUs())
                .bind("pdt", segment.programDateTime().atOffset(ZoneOffset.UTC))
                .bind("discontinuity", segment.discontinuity())
                .bind("dseq", segment.discontinuitySequence())
                .bind("init", segment.initNumber())
                .bind("independent", segment.independent())
                .bind("key", segment.objectKey())
                .bind("size", segment.sizeBytes());
    }

    private static Segment toSegment(Readable row) {
        if (row.get("media_sequence", Long.class) == null) {
            return null; // a broadcast without segments, outer-joined
        }
        return new Segment(
                row.get("broadcast_id", String.class),
                row.get("media_sequence", Long.class),
                row.get("duration_us", Long.class),
                StreamRepository.instant(row, "program_date_time"),
                row.get("discontinuity", Boolean.class),
                row.get("discontinuity_sequence", Integer.class),
                row.get("init_number", Integer.class),
                row.get("independent", Boolean.class),
                row.get("object_key", String.class),
                row.get("size_bytes", Long.class));
    }
}
