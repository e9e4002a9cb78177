package dev.rewind.ingest;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;

/**
 * Hands a publication's tags from the session to its consumer with bounded buffering: once {@code
 * capacity} tags wait, {@link #offer} completes only when the consumer takes one, and the session,
 * waiting on it, stops reading the socket.
 */
final class TagChannel {
    private static final Sinks.EmitFailureHandler RETRY_BRIEFLY =
            Sinks.EmitFailureHandler.busyLooping(Duration.ofMillis(100));

    private final int capacity;
    private final Sinks.Many<FlvTag> sink = Sinks.many().unicast().onBackpressureBuffer();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicReference<MonoSink<Void>> blocked = new AtomicReference<>();
    private final Flux<FlvTag> tags;

    TagChannel(int capacity) {
        this.capacity = capacity;
        this.tags = sink.asFlux().doOnNext(tag -> taken()).doOnCancel(this::wake);
    }

    Flux<FlvTag> tags() {
        return tags;
    }

    /**
     * Queues a tag; false when the queue is full and the producer should wait for {@link #room()}.
     */
    boolean offer(FlvTag tag) {
        Sinks.EmitResult result = sink.tryEmitNext(tag);
        if (result.isFailure()) {
            throw new IllegalStateException("the tag consumer stopped (" + result + ")");
        }
        return waiting.incrementAndGet() < capacity;
    }

    /** Completes once the consumer has taken enough tags to make room. */
    Mono<Void> room() {
        return Mono.create(
                waiter -> {
                    blocked.set(waiter);
                    if (waiting.get() < capacity) {
                        wake();
                    }
                });
    }

    /** Ends the tag stream after the tags already queued. */
    void complete() {
        sink.emitComplete(RETRY_BRIEFLY);
        wake();
    }

    private void taken() {
        if (waiting.decrementAndGet() < capacity) {
            wake();
        }
    }

    private void wake() {
        MonoSink<Void> waiter = blocked.getAndSet(null);
        if (waiter != null) {
            waiter.success();
        }
    }
}
