package dev.rewind.ingest;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One presenter's TCP connection: its channel, where it comes from, how Rewind writes to it and why
 * it ended. Shared by the decoder (which reads) and the session (which answers).
 */
final class RtmpConnection {
    static final AttributeKey<RtmpConnection> KEY = AttributeKey.valueOf("rewind.rtmp");

    /** Chunk size Rewind sends with, announced right after connect. */
    static final int OUTBOUND_CHUNK_SIZE = 4096;

    private final Channel channel;
    private final boolean secure;
    private final String remote;
    private final AtomicReference<Ending> ending = new AtomicReference<>();
    private volatile int outboundChunkSize = ChunkDecoder.DEFAULT_CHUNK_SIZE;

    /** Why and how a connection ended. */
    record Ending(StopReason reason, String detail) {}

    RtmpConnection(Channel channel, boolean secure) {
        this.channel = channel;
        this.secure = secure;
        this.remote = describe(channel.remoteAddress());
    }

    Channel channel() {
        return channel;
    }

    boolean secure() {
        return secure;
    }

    String protocol() {
        return secure ? "RTMPS" : "RTMP";
    }

    /** The peer as {@code host:port}. */
    String remote() {
        return remote;
    }

    InetSocketAddress remoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    void send(int chunkStream, RtmpMessage message) {
        if (!channel.isActive()) {
            return;
        }
        channel.writeAndFlush(
                ChunkEncoder.encode(channel.alloc(), chunkStream, message, outboundChunkSize));
    }

    /** Announces and switches to Rewind's outbound chunk size. */
    void raiseChunkSize() {
        send(
                ChunkEncoder.CONTROL_CHUNK_STREAM,
                RtmpMessage.control(RtmpMessage.SET_CHUNK_SIZE, OUTBOUND_CHUNK_SIZE));
        outboundChunkSize = OUTBOUND_CHUNK_SIZE;
    }

    /** Closes the connection once written; the first reason given is the one reported. */
    void close(StopReason reason, String detail) {
        closing(reason, detail);
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Records why Rewind is about to close the connection, before it sends its last answer: the
     * presenter may hang up on reading it, before {@link #close} runs on another thread.
     */
    void closing(StopReason reason, String detail) {
        ending.compareAndSet(null, new Ending(reason, detail));
    }

    /** Why the connection ended; "client closed" when Rewind did not end it. */
    Ending ending() {
        Ending known = ending.get();
        return known != null ? known : new Ending(StopReason.CLIENT_CLOSED, null);
    }

    private static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
