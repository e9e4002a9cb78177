package dev.rewind.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.RewindIntegrationTest;
import dev.rewind.catalog.Ids;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Objects go to S3Proxy through the MinIO client and come back byte for byte. */
class ObjectStoreIntegrationTests extends RewindIntegrationTest {
    @Autowired ObjectStore store;

    @Test
    void putListReadAndDeleteByPrefix() {
        String prefix = ObjectKeys.broadcastPrefix("store-test", Ids.random(8));
        byte[] small = "init segment".getBytes(StandardCharsets.UTF_8);
        byte[] large = new byte[300_000];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31);
        }

        StepVerifier.create(
                        store.put(prefix + "init-0.mp4", small, "video/mp4")
                                .then(store.put(prefix + "0.m4s", large, "video/iso.segment")))
                .verifyComplete();
        StepVerifier.create(store.list(prefix).sort().collectList())
                .assertNext(
                        keys ->
                                assertThat(keys)
                                        .containsExactly(prefix + "0.m4s", prefix + "init-0.mp4"))
                .verifyComplete();
        StepVerifier.create(join(store.read(prefix + "0.m4s")))
                .assertNext(bytes -> assertThat(bytes).isEqualTo(large))
                .verifyComplete();
        StepVerifier.create(store.deletePrefix(prefix)).expectNext(2L).verifyComplete();
        StepVerifier.create(store.list(prefix).count()).expectNext(0L).verifyComplete();
    }

    @Test
    void listsPastOnePageOfResults() {
        String prefix = ObjectKeys.broadcastPrefix("store-test", Ids.random(8));
        int count = 1_005;

        StepVerifier.create(
                        Flux.range(0, count)
                                .flatMap(
                                        i ->
                                                store.put(
                                                        prefix + i + ".m4s",
                                                        new byte[] {1},
                                                        "video/iso.segment"),
                                        16)
                                .then(store.list(prefix).count()))
                .expectNext((long) count)
                .verifyComplete();
        StepVerifier.create(store.deletePrefix(prefix)).expectNext((long) count).verifyComplete();
    }

    @Test
    void readingFromAnEventLoopThreadDoesNotBlockIt() {
        String key = ObjectKeys.broadcastPrefix("store-test", Ids.random(8)) + "0.m4s";
        byte[] content = "segment".getBytes(StandardCharsets.UTF_8);

        Mono<byte[]> read =
                store.put(key, content, "video/iso.segment")
                        .then(join(store.read(key)).subscribeOn(Schedulers.parallel()));

        StepVerifier.create(read)
                .assertNext(bytes -> assertThat(bytes).isEqualTo(content))
                .verifyComplete();
    }

    @Test
    void rangesAreSlicesOfTheObjectAndRangesOutsideItFail() {
        String key = ObjectKeys.broadcastPrefix("store-test", Ids.random(8)) + "0.m4s";
        byte[] content = "0123456789".getBytes(StandardCharsets.UTF_8);

        StepVerifier.create(store.put(key, content, "video/iso.segment")).verifyComplete();
        StepVerifier.create(join(store.read(key, 3, 4)))
                .assertNext(
                        bytes ->
                                assertThat(new String(bytes, StandardCharsets.UTF_8))
                                        .isEqualTo("3456"))
                .verifyComplete();
        StepVerifier.create(join(store.read(key, 0, 10)))
                .assertNext(bytes -> assertThat(bytes).isEqualTo(content))
                .verifyComplete();
        StepVerifier.create(store.read(key, 8, 3))
                .expectError(IllegalArgumentException.class)
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void readingAMissingObjectFails() {
        StepVerifier.create(store.read("streams/none/none/0.m4s"))
                .expectError()
                .verify(Duration.ofSeconds(10));
    }

    private static Mono<byte[]> join(Mono<DataBuffer> read) {
        return read.map(
                buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                });
    }
}
