package dev.rewind;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** BlockHound is installed in every test JVM; this proves it catches blocking on event loops. */
class BlockHoundTests {

    @Test
    void sleepingOnANonBlockingThreadFails() {
        Mono<Integer> blocking =
                Mono.fromCallable(
                                () -> {
                                    Thread.sleep(10);
                                    return 1;
                                })
                        .subscribeOn(Schedulers.parallel());

        StepVerifier.create(blocking)
                .expectErrorSatisfies(
                        error ->
                                assertThat(error)
                                        .isInstanceOf(BlockingOperationError.class)
                                        .hasMessageContaining("Thread.sleep"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void sleepingOnTheBlockingSchedulerIsAllowed() {
        Mono<Integer> blocking =
                Mono.fromCallable(
                                () -> {
                                    Thread.sleep(10);
                                    return 1;
                                })
                        .subscribeOn(Schedulers.boundedElastic());

        StepVerifier.create(blocking).expectNext(1).verifyComplete();
    }
}
