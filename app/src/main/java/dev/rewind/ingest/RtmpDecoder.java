package dev.rewind.ingest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a presenter's bytes into {@link RtmpMessage}s: the handshake first, then the chunk stream.
 * Protocol control messages (RTMP 1.0 specification, section 5.4) and pings are handled here, where
 * they take effect at once; commands, data and media go on to the session.
 */
final class RtmpDecoder extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(RtmpDecoder.class);
    private static final int PING_REQUEST = 6;
    private static final int PING_RESPONSE = 7;

    private enum Phase {
        C0_C1,
        C2,
        CHUNKS,
        FAILED
    }

    private final RtmpConnection connection;
    private final ChunkDecoder chunks;
    private final List<Object> decoded = new ArrayList<>();
    private Phase phase = Phase.C0_C1;
    private long bytesReceived;
    private int countedUnread;
    private long lastAcknowledged;
    private long peerWindow;

    RtmpDecoder(RtmpConnection connection, int maxMessageSize, Clock clock) {
        this.connection = connection;
        this.chunks = new ChunkDecoder(maxMessageSize, clock);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        bytesReceived += in.readableBytes() - countedUnread; // counted on arrival, not when read
        try {
            decodeAvailable(in, out);
        } catch (RtmpProtocolException e) {
            phase = Phase.FAILED;
            in.skipBytes(in.readableBytes());
            connection.close(StopReason.PROTOCOL_ERROR, e.getMessage());
        }
        countedUnread = in.readableBytes();
        acknowledge();
    }

    private void decodeAvailable(ByteBuf in, List<Object> out) {
        if (phase == Phase.C0_C1) {
            readC0C1(in);
        }
        if (phase == Phase.C2 && in.readableBytes() >= Handshake.PACKET_SIZE) {
            in.skipBytes(Handshake.PACKET_SIZE); // C2 echoes S1; clients check theirs, not ours
            phase = Phase.CHUNKS;
        }
        if (phase == Phase.CHUNKS) {
            chunks.decode(in, decoded);
            decoded.forEach(message -> route((RtmpMessage) message, out));
            decoded.clear();
        }
        if (phase == Phase.FAILED) {
            in.skipBytes(in.readableBytes());
        }
    }

    private void readC0C1(ByteBuf in) {
        if (!in.isReadable()) {
            return;
        }
        int version = in.getUnsignedByte(in.readerIndex());
        if (version != Handshake.VERSION) {
            throw new RtmpProtocolException(
                    "handshake version "
                            + version
                            + " (expected 3; encrypted RTMPE and other "
                            + "versions are not supported)");
        }
        if (in.readableBytes() < 1 + Handshake.PACKET_SIZE) {
            return;
        }
        in.skipBytes(1);
        byte[] c1 = new byte[Handshake.PACKET_SIZE];
        in.readBytes(c1);
        Handshake.Reply reply = Handshake.reply(c1);
        ByteBuf answer = connection.channel().alloc().buffer(1 + 2 * Handshake.PACKET_SIZE);
        answer.writeByte(Handshake.VERSION).writeBytes(reply.s1()).writeBytes(reply.s2());
        connection.channel().writeAndFlush(answer);
        log.debug(
                "{} {}: {} handshake",
                connection.protocol(),
                connection.remote(),
                reply.digest() ? "digest" : "plain");
        phase = Phase.C2;
    }

    private void route(RtmpMessage message, List<Object> out) {
        switch (message.type()) {
            case RtmpMessage.SET_CHUNK_SIZE,
                    RtmpMessage.ABORT,
                    RtmpMessage.ACKNOWLEDGEMENT,
                    RtmpMessage.SET_PEER_BANDWIDTH -> {
                // applied by the chunk decoder, or nothing to do for a publisher's server
            }
            case RtmpMessage.WINDOW_ACK_SIZE -> peerWindow = window(message);
            case RtmpMessage.USER_CONTROL -> userControl(message);
            default -> out.add(message);
        }
    }

    private static long window(RtmpMessage message) {
        if (message.payload().length < 4) {
            throw new RtmpProtocolException(
                    "window acknowledgement size of "
                            + message.payload().length
                            + " bytes (expected 4)");
        }
        return RtmpMessage.readInt32(message.payload(), 0) & 0xFFFFFFFFL;
    }

    /** Section 6.2: answers a ping request with a ping response carrying the same time. */
    private void userControl(RtmpMessage message) {
        byte[] payload = message.payload();
        if (payload.length < 6 || ((payload[0] & 0xFF) << 8 | payload[1] & 0xFF) != PING_REQUEST) {
            return;
        }
        byte[] response = payload.clone();
        response[1] = PING_RESPONSE;
        connection.send(
                ChunkEncoder.CONTROL_CHUNK_STREAM,
                RtmpMessage.outgoing(RtmpMessage.USER_CONTROL, 0, response));
    }

    /**
     * Section 5.4.3: once the peer announced a window, acknowledge each time that many bytes
     * arrived since the last acknowledgement, with the total received so far (modulo 2^32).
     */
    private void acknowledge() {
        if (peerWindow <= 0 || bytesReceived - lastAcknowledged < peerWindow) {
            return;
        }
        lastAcknowledged = bytesReceived;
        connection.send(
                ChunkEncoder.CONTROL_CHUNK_STREAM,
                RtmpMessage.control(RtmpMessage.ACKNOWLEDGEMENT, (int) bytesReceived));
    }
}
