package dev.rewind.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class MediaSpoolTests {
    @TempDir Path directory;

    @Test
    void refusesWhatWouldOverflowItAndSaysHowFull() throws Exception {
        var spool = new MediaSpool(null, directory, 10, Schedulers.boundedElastic());
        spool.clear();

        StepVerifier.create(spool.add("a", new byte[6], "video/iso.segment"))
                .assertNext(spooled -> assertThat(spooled.file()).hasBinaryContent(new byte[6]))
                .verifyComplete();
        StepVerifier.create(spool.add("b", new byte[5], "video/iso.segment"))
                .expectErrorSatisfies(
                        error ->
                                assertThat(error)
                                        .isInstanceOf(SpoolFullException.class)
                                        .hasMessageContaining("6 bytes waiting")
                                        .hasMessageContaining("rewind.storage.spool-size"))
                .verify();
        assertThat(spool.usedBytes()).isEqualTo(6);
        StepVerifier.create(spool.add("c", new byte[4], "video/iso.segment"))
                .expectNextCount(1)
                .verifyComplete();
    }

    @Test
    void clearsWhatAPreviousRunLeft() throws Exception {
        Files.write(directory.resolve("7.part"), new byte[3]);
        var spool = new MediaSpool(null, directory, 10, Schedulers.boundedElastic());

        spool.clear();

        try (var left = Files.list(directory)) {
            assertThat(left).isEmpty();
        }
    }
}
