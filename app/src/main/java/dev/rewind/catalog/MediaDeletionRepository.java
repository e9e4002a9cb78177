package dev.rewind.catalog;

import java.time.Duration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The queue of media deletions, shared by every replica. */
@Repository
public class MediaDeletionRepository {
    private final DatabaseClient db;

    MediaDeletionRepository(DatabaseClient db) {
        this.db = db;
    }

    /**
     * Leases up to {@code limit} pending deletions for {@code lease}; another replica skips them
     * until the lease runs out, so a replica that dies mid-way leaves them to the others.
     */
    public Flux<MediaDeletion> lease(int limit, Duration lease) {
        return db.sql(
                        """
                        update media_deletions
                        set leased_until = now() + make_interval(secs => :lease),
                            attempts = attempts + 1
                        where id in (
                            select id from media_deletions
                            where leased_until is null or leased_until < now()
                            order by id limit :limit
                            for update skip locked)
                        returning id, stream_id, broadcast_id, attempts
                        """)
                .bind("lease", (double) lease.toSeconds())
                .bind("limit", limit)
                .map(
                        row ->
                                new MediaDeletion(
                                        row.get("id", Long.class),
                                        row.get("stream_id", String.class),
                                        row.get("broadcast_id", String.class),
                                        row.get("attempts", Integer.class)))
                .all();
    }

    public Mono<Void> deleteById(long id) {
        return db.sql("delete from media_deletions where id = :id").bind("id", id).then();
    }

    public Mono<Void> recordFailure(long id, String error) {
        return db.sql("update media_deletions set last_error = :error where id = :id")
                .bind("id", id)
                .bind("error", error)
                .then();
    }
}
