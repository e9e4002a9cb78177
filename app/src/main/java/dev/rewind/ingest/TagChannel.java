package dev.rewind.ingest;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;

/**
 * Hands a publication's tags from the session to its consumer with bounded buffering: once {@code
 * capacity} tags or {@code byteCapacity} bytes of them wait, {@link #offer} says so, and the
 * session waits for {@link #room()}, which comes when the consumer took enough; meanwhile it does
 * not read the socket. At most one tag more than the capacity is queued, so memory stays under
 * {@code byteCapacity} plus one message.
 */
final class TagChannel {
    private static final Sinks.EmitFailureHandler RETRY_BRIEFLY =
            Sinks.EmitFailureHandler.busyLooping(Duration.ofMillis(100));

    private final int capacity;
    private final long byteCapacity;
    private final Sinks.Many<FlvTag> sink = Sinks.many().unicast().onBackpressureBuffer();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong waitingBytes = new AtomicLong();
    private final AtomicReference<MonoSink<Void>> blocked = new AtomicReference<>();
    private final Flux<FlvTag> tags;

    TagChannel(int capacity, long byteCapacity) {
        this.capacity = capacity;
        this.byteCapacity = byteCapacity;
        this.tags = sink.asFlux().doOnNext(this::taken).doOnCancel(this::wake);
    }

    Flux<FlvTag> tags() {
        return tags;
    }

    /**
     * Queues a tag; false when the queue is full and the producer should wait for {@link #room()}.
     */
    boolean offer(FlvTag tag) {
        waiting.incrementAndGet();
        waitingBytes.addAndGet(tag.data().length);
        Sinks.EmitResult result = sink.tryEmitNext(tag);
        if (result.isFailure()) {
            throw new IllegalStateException("the tag consumer stopped (" + result + ")");
        }
        return hasRoom();
    }

    private boolean hasRoom() {
        return waiting.get() < capacity && waitingBytes.get() < byteCapacity;
    }

    /** Completes once the consumer has taken enough tags to make room. */
    Mono<Void> room() {
        return Mono.create(
                waiter -> {
                    blocked.set(waiter);
                    if (hasRoom()) {
                        wake();
                    }
                });
    }

    /** Ends the tag stream after the tags already queued. */
    void complete() {
        sink.emitComplete(RETRY_BRIEFLY);
        wake();
    }

    private void taken(FlvTag tag) {
        waiting.decrementAndGet();
        waitingBytes.addAndGet(-tag.data().length);
        if (hasRoom()) {
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
