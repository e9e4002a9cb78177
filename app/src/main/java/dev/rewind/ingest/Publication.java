package dev.rewind.ingest;

import java.net.InetSocketAddress;
import java.time.Instant;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One presenter publishing to one stream, from the accepted {@code publish} command until it stops.
 * Packaging consumes its {@link #tags()}; reading from the presenter pauses while the consumer
 * falls behind.
 */
public final class Publication {
    private final String streamId;
    private final String id;
    private final InetSocketAddress remoteAddress;
    private final boolean secure;
    private final boolean takeover;
    private final Instant startedAt;
    private final TagChannel channel;
    private final Sinks.One<StopReason> stopped = Sinks.one();
    private volatile CodecConfiguration codecs = CodecConfiguration.NONE;

    Publication(
            String streamId,
            String id,
            InetSocketAddress remoteAddress,
            boolean secure,
            boolean takeover,
            Instant startedAt,
            TagChannel channel) {
        this.streamId = streamId;
        this.id = id;
        this.remoteAddress = remoteAddress;
        this.secure = secure;
        this.takeover = takeover;
        this.startedAt = startedAt;
        this.channel = channel;
    }

    public String streamId() {
        return streamId;
    }

    /** A random id for this publication, unique among publications. */
    public String id() {
        return id;
    }

    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** Whether the presenter connected over RTMPS. */
    public boolean secure() {
        return secure;
    }

    /** Whether it replaced another publisher of the same stream (a reconnect or takeover). */
    public boolean takeover() {
        return takeover;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /**
     * The tags in arrival order: {@code onMetaData} first when the presenter sent it, then audio
     * and video. Completes when the publication stops. Subscribe once.
     */
    public Flux<FlvTag> tags() {
        return channel.tags();
    }

    /** The codec configuration seen so far (from sequence headers). */
    public CodecConfiguration codecs() {
        return codecs;
    }

    /** Emits why the publication stopped, once it has. */
    public Mono<StopReason> stopped() {
        return stopped.asMono();
    }

    void codecs(CodecConfiguration codecs) {
        this.codecs = codecs;
    }

    boolean offer(FlvTag tag) {
        return channel.offer(tag);
    }

    Mono<Void> room() {
        return channel.room();
    }

    void stop(StopReason reason) {
        channel.complete();
        stopped.tryEmitValue(reason);
    }

    @Override
    public String toString() {
        return "Publication[" + streamId + "/" + id + "]";
    }
}
