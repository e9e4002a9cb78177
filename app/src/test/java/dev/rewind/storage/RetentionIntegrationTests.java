package dev.rewind.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.RewindIntegrationTest;
import dev.rewind.catalog.Ids;
import dev.rewind.ingest.TestStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

/** Broadcasts past their stream's retention leave the catalog and storage; younger ones stay. */
class RetentionIntegrationTests extends RewindIntegrationTest {
    @Autowired DatabaseClient db;
    @Autowired ObjectStore store;
    @Autowired MediaDeletionWorker worker;

    @Test
    void broadcastsOlderThanTheirStreamsRetentionAreDeletedWithTheirMedia() {
        TestStream stream = TestStream.create(client, writeToken(), "retention");
        String old = broadcast(stream.id(), Instant.now().minus(Duration.ofDays(31)));
        String recent = broadcast(stream.id(), Instant.now().minus(Duration.ofDays(29)));

        assertThat(worker.expire().block()).isGreaterThanOrEqualTo(1L);
        worker.wakeUp();

        await().atMost(Duration.ofSeconds(30)).until(() -> objects(stream.id(), old).isEmpty());
        assertThat(objects(stream.id(), recent)).hasSize(2);
        assertThat(broadcastIds(stream.id())).containsExactly(recent);
        assertThat(worker.expire().block()).isNull();
    }

    /** An ended broadcast with an init segment and one segment stored and indexed. */
    private String broadcast(String streamId, Instant endedAt) {
        String id = Ids.random(12);
        db.sql(
                        """
                        insert into broadcasts (id, stream_id, state, started_at, ended_at,
                            end_reason, target_duration)
                        values (:id, :stream, 'ended', :started, :ended, 'unpublished', 2)
                        """)
                .bind("id", id)
                .bind("stream", streamId)
                .bind("started", endedAt.minusSeconds(60).atOffset(ZoneOffset.UTC))
                .bind("ended", endedAt.atOffset(ZoneOffset.UTC))
                .then()
                .block();
        for (String name : List.of(ObjectKeys.initName(0), ObjectKeys.segmentName(0))) {
            store.put(ObjectKeys.key(streamId, id, name), new byte[] {1, 2, 3}, "video/mp4")
                    .block();
        }
        return id;
    }

    private List<String> objects(String streamId, String broadcastId) {
        return store.list(ObjectKeys.broadcastPrefix(streamId, broadcastId)).collectList().block();
    }

    private List<String> broadcastIds(String streamId) {
        return db.sql("select id from broadcasts where stream_id = :stream")
                .bind("stream", streamId)
                .map(row -> row.get("id", String.class))
                .all()
                .collectList()
                .block();
    }
}
