package dev.rewind.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/** Bounded hand-over of tags from an RTMP session to packaging. */
class TagChannelTests {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final TagChannel channel = new TagChannel(3, 1000);

    @Test
    void offerReturnsFalseOnceTheTagsWaitingReachTheCapacity() {
        assertThat(channel.offer(tag(1))).isTrue();
        assertThat(channel.offer(tag(2))).isTrue();
        assertThat(channel.offer(tag(3))).isFalse();
    }

    @Test
    void offerReturnsFalseOnceTheBytesWaitingReachTheByteCapacity() {
        assertThat(channel.offer(tag(1, 600))).isTrue();
        assertThat(channel.offer(tag(2, 400))).isFalse();

        AtomicBoolean room = new AtomicBoolean();
        Disposable waiting = channel.room().doOnSuccess(done -> room.set(true)).subscribe();

        StepVerifier.create(channel.tags(), 0)
                .expectSubscription()
                .then(() -> assertThat(room).as("two tags, 1000 bytes").isFalse())
                .thenRequest(1)
                .expectNextCount(1)
                .then(() -> assertThat(room).as("400 bytes left").isTrue())
                .thenCancel()
                .verify(TIMEOUT);
        waiting.dispose();
    }

    @Test
    void roomCompletesOnceTheConsumerTakesATag() {
        fill();
        AtomicBoolean room = new AtomicBoolean();
        Disposable waiting = channel.room().doOnSuccess(done -> room.set(true)).subscribe();

        assertThat(room).as("while full").isFalse();
        StepVerifier.create(channel.tags(), 0)
                .expectSubscription()
                .then(() -> assertThat(room).as("subscribed, nothing taken").isFalse())
                .thenRequest(1)
                .assertNext(tag -> assertThat(tag.timestampMs()).isEqualTo(1))
                .then(() -> assertThat(room).as("one taken").isTrue())
                .thenCancel()
                .verify(TIMEOUT);
        waiting.dispose();
    }

    @Test
    void roomCompletesAtOnceWhenTheQueueIsNotFull() {
        channel.offer(tag(1));

        StepVerifier.create(channel.room()).expectComplete().verify(TIMEOUT);
    }

    @Test
    void theConsumerGetsTheTagsInOrderAndTheEndAfterThem() {
        channel.offer(tag(1));
        channel.offer(tag(2));
        channel.complete();

        StepVerifier.create(channel.tags())
                .assertNext(tag -> assertThat(tag.timestampMs()).isEqualTo(1))
                .assertNext(tag -> assertThat(tag.timestampMs()).isEqualTo(2))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void completeWakesAWaitingProducer() {
        fill();
        StepVerifier.create(channel.room())
                .then(channel::complete)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aConsumerThatCancelsWakesTheProducerAndLaterOffersFail() {
        fill();
        AtomicBoolean room = new AtomicBoolean();
        channel.room().doOnSuccess(done -> room.set(true)).subscribe();

        StepVerifier.create(channel.tags(), 0).thenCancel().verify(TIMEOUT);

        assertThat(room).isTrue();
        assertThatThrownBy(() -> channel.offer(tag(4)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the tag consumer stopped (");
    }

    private void fill() {
        channel.offer(tag(1));
        channel.offer(tag(2));
        assertThat(channel.offer(tag(3))).isFalse();
    }

    private static FlvTag tag(long timestampMs) {
        return tag(timestampMs, 2);
    }

    private static FlvTag tag(long timestampMs, int size) {
        byte[] data = new byte[size];
        data[0] = 0x27;
        return new FlvTag(FlvTag.VIDEO, timestampMs, data, 0);
    }
}
