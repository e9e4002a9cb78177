package dev.rewind.catalog;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Streams in PostgreSQL. */
@Repository
public class StreamRepository {
    private static final String COLUMNS =
            """
            s.id, s.title, s.viewer_emails, s.viewer_domains, s.dvr_window_seconds,
            s.retention_days, s.created_at, s.updated_at, s.seq,
            exists (select 1 from broadcasts b where b.stream_id = s.id and b.state = 'live')
                as live
            """;

    private final DatabaseClient db;
    private final TransactionalOperator transaction;

    StreamRepository(DatabaseClient db, TransactionalOperator transaction) {
        this.db = db;
        this.transaction = transaction;
    }

    /**
     * Inserts a stream and returns it as inserted, even if another request deletes it at once;
     * fails with {@link StreamIdTakenException} when the id is in use.
     */
    public Mono<Stream> insert(
            String id,
            String title,
            byte[] streamKeySha256,
            ViewerPolicy viewers,
            int dvrWindowSeconds,
            int retentionDays) {
        return db.sql(
                        """
                        with s as (
                            insert into streams (id, title, stream_key_sha256, viewer_emails,
                                viewer_domains, dvr_window_seconds, retention_days)
                            values (:id, :title, :key, :emails, :domains, :dvr, :retention)
                            returning *)
                        select
                        """
                                + COLUMNS
                                + " from s")
                .bind("id", id)
                .bind("title", title)
                .bind("key", streamKeySha256)
                .bind("emails", viewers.emails().toArray(String[]::new))
                .bind("domains", viewers.domains().toArray(String[]::new))
                .bind("dvr", dvrWindowSeconds)
                .bind("retention", retentionDays)
                .map(StreamRepository::toStream)
                .one()
                .onErrorMap(StreamRepository::isIdConflict, e -> new StreamIdTakenException(id));
    }

    public Mono<Stream> findById(String id) {
        return db.sql("select " + COLUMNS + " from streams s where s.id = :id")
                .bind("id", id)
                .map(StreamRepository::toStream)
                .one();
    }

    /** Streams newest first, starting after the one with the given paging sequence number. */
    public Flux<Stream> findBySeqLessThan(long seq, int limit) {
        return db.sql(
                        "select "
                                + COLUMNS
                                + " from streams s where s.seq < :seq order by s.seq desc limit"
                                + " :limit")
                .bind("seq", seq)
                .bind("limit", limit)
                .map(StreamRepository::toStream)
                .all();
    }

    /** Applies the non-null fields of a change; empty when the stream does not exist. */
    public Mono<Stream> update(String id, StreamChanges changes) {
        var spec =
                db.sql(
                                """
                                with s as (
                                    update streams set
                                        title = coalesce(:title, title),
                                        viewer_emails = coalesce(:emails, viewer_emails),
                                        viewer_domains = coalesce(:domains, viewer_domains),
                                        dvr_window_seconds = coalesce(:dvr, dvr_window_seconds),
                                        retention_days = coalesce(:retention, retention_days),
                                        updated_at = now()
                                    where id = :id
                                    returning *)
                                select
                                """
                                        + COLUMNS
                                        + " from s")
                        .bind("id", id);
        spec = bindNullable(spec, "title", changes.title(), String.class);
        spec = bindNullable(spec, "emails", array(changes.viewerEmails()), String[].class);
        spec = bindNullable(spec, "domains", array(changes.viewerDomains()), String[].class);
        spec = bindNullable(spec, "dvr", changes.dvrWindowSeconds(), Integer.class);
        spec = bindNullable(spec, "retention", changes.retentionDays(), Integer.class);
        return spec.map(StreamRepository::toStream).one();
    }

    /** The stream whose key has this SHA-256, if any. */
    public Mono<StreamKeyMatch> findByStreamKey(byte[] streamKeySha256) {
        return db.sql("select id, stream_key_sha256 from streams where stream_key_sha256 = :key")
                .bind("key", streamKeySha256)
                .map(
                        row ->
                                new StreamKeyMatch(
                                        row.get("id", String.class),
                                        row.get("stream_key_sha256", byte[].class)))
                .one();
    }

    /** Replaces the stream key hash; false when the stream does not exist. */
    public Mono<Boolean> replaceStreamKey(String id, byte[] streamKeySha256) {
        return db.sql(
                        """
                        update streams set stream_key_sha256 = :key, key_rotated_at = now(),
                            updated_at = now()
                        where id = :id
                        """)
                .bind("id", id)
                .bind("key", streamKeySha256)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows > 0);
    }

    /** Who may watch a stream and which viewer grants and playback tokens still count. */
    public Mono<StreamAccess> findAccess(String id) {
        return db.sql(
                        """
                        select viewer_emails, viewer_domains, access_version
                        from streams where id = :id
                        """)
                .bind("id", id)
                .map(
                        row ->
                                new StreamAccess(
                                        id,
                                        new ViewerPolicy(
                                                Arrays.asList(
                                                        row.get("viewer_emails", String[].class)),
                                                Arrays.asList(
                                                        row.get("viewer_domains", String[].class))),
                                        row.get("access_version", Long.class)))
                .one();
    }

    /**
     * Invalidates every viewer grant and playback token issued so far for a stream; the new access
     * version, or empty when the stream does not exist.
     */
    public Mono<Long> revokeAccess(String id) {
        return db.sql(
                        """
                        update streams
                        set access_version = greatest(access_version + 1,
                                (extract(epoch from clock_timestamp()) * 1000)::bigint),
                            updated_at = now()
                        where id = :id returning access_version
                        """)
                .bind("id", id)
                .map(row -> row.get("access_version", Long.class))
                .one();
    }

    /**
     * Deletes a stream with its broadcasts and segments, and queues the deletion of their media in
     * the same transaction; false when the stream does not exist.
     */
    public Mono<Boolean> delete(String id) {
        Mono<Long> queueMedia =
                db.sql(
                                """
                                insert into media_deletions (stream_id, broadcast_id)
                                select stream_id, id from broadcasts where stream_id = :id
                                """)
                        .bind("id", id)
                        .fetch()
                        .rowsUpdated();
        Mono<Long> deleteRow =
                db.sql("delete from streams where id = :id").bind("id", id).fetch().rowsUpdated();
        return queueMedia.then(deleteRow).map(rows -> rows > 0).as(transaction::transactional);
    }

    private static <T> DatabaseClient.GenericExecuteSpec bindNullable(
            DatabaseClient.GenericExecuteSpec spec, String name, T value, Class<T> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }

    private static String[] array(List<String> values) {
        return values == null ? null : values.toArray(String[]::new);
    }

    private static boolean isIdConflict(Throwable error) {
        return error instanceof DataIntegrityViolationException
                && String.valueOf(error.getMessage()).contains("streams_pkey");
    }

    static Stream toStream(Readable row) {
        return new Stream(
                row.get("id", String.class),
                row.get("title", String.class),
                new ViewerPolicy(
                        Arrays.asList(row.get("viewer_emails", String[].class)),
                        Arrays.asList(row.get("viewer_domains", String[].class))),
                row.get("dvr_window_seconds", Integer.class),
                row.get("retention_days", Integer.class),
                instant(row, "created_at"),
                instant(row, "updated_at"),
                Boolean.TRUE.equals(row.get("live", Boolean.class)),
                row.get("seq", Long.class));
    }

    static Instant instant(Readable row, String column) {
        OffsetDateTime value = row.get(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
