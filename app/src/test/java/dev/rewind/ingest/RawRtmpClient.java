package dev.rewind.ingest;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A scripted RTMP publisher for tests, on a blocking socket: it writes exactly what a test tells it
 * to (a handshake, chunks of any size, AMF0 commands, media, or raw bytes), and a reader thread
 * decodes what the server answers so that a test can wait for a reply or for the server to close.
 *
 * <p>Writes are buffered until {@link #flush()}, so that a test decides what reaches the server in
 * one go. The higher-level steps ({@link #handshake()}, {@link #publish(String, String)}) flush.
 */
final class RawRtmpClient implements AutoCloseable {
    static final int CONTROL_CHUNK_STREAM = 2;
    static final int COMMAND_CHUNK_STREAM = 3;
    static final int STREAM_CHUNK_STREAM = 4;
    static final int AUDIO_CHUNK_STREAM = 5;
    static final int VIDEO_CHUNK_STREAM = 6;
    static final int DEFAULT_CHUNK_SIZE = 128;

    /** The message stream that {@code createStream} gives the first time (Rewind counts from 1). */
    static final int MEDIA_STREAM = 1;

    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);
    private static final int HANDSHAKE_SIZE = 1536;
    private static final int EXTENDED = 0xFFFFFF;

    private final Socket socket;
    private final String localAddress;
    private final OutputStream out;
    private final List<Message> received = new ArrayList<>();
    private final CompletableFuture<byte[]> s1 = new CompletableFuture<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread reader;
    private volatile String closedBy = "";
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private double nextTransaction = 1;
    private int mediaStream = MEDIA_STREAM;
    private boolean handshaken;
    private long bytesWritten;

    /** One message the server sent, reassembled from its chunks. */
    record Message(int type, int streamId, long timestampMs, byte[] payload) {
        boolean isCommand() {
            return type == RtmpMessage.COMMAND_AMF0;
        }

        List<Object> values() {
            return isCommand() ? Amf0.decodeAll(payload, 0) : List.of();
        }

        String name() {
            List<Object> values = values();
            return values.isEmpty() ? null : (String) values.get(0);
        }

        double transaction() {
            List<Object> values = values();
            return values.size() > 1 && values.get(1) instanceof Double number ? number : -1;
        }

        /** The {@code code} of the information object, as in {@code NetStream.Publish.Start}. */
        String code() {
            List<Object> values = values();
            return values.size() > 3 && values.get(3) instanceof Map<?, ?> info
                    ? (String) info.get("code")
                    : null;
        }

        @Override
        public String toString() {
            return isCommand() ? "command " + values() : "message type " + type;
        }
    }

    private RawRtmpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.localAddress = socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        this.reader = new Thread(this::readAll, "raw-rtmp-reader-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects from 127.0.0.1 to the server's port on the same address. */
    static RawRtmpClient open(int port) {
        return open(port, "127.0.0.1");
    }

    /**
     * Connects from the given local address, such as 127.0.0.77: every 127.0.0.0/8 address is the
     * loopback on Linux, so tests can be different remote addresses for the server.
     */
    static RawRtmpClient open(int port, String localAddress) {
        try {
            Socket socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            return new RawRtmpClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The plain handshake of section 5.2.5: C0 and C1, then C2 echoing S1; once. */
    RawRtmpClient handshake() {
        if (handshaken) {
            return this;
        }
        handshaken = true;
        write(c0c1(3));
        flush();
        write(awaitS1());
        flush();
        return this;
    }

    /** C0 with the given version, and a plain C1: zero time and zero version field. */
    static byte[] c0c1(int version) {
        byte[] c0c1 = new byte[1 + HANDSHAKE_SIZE];
        new Random(version).nextBytes(c0c1);
        c0c1[0] = (byte) version;
        for (int i = 1; i <= 8; i++) {
            c0c1[i] = 0;
        }
        return c0c1;
    }

    /** Whether the server answered the handshake with S0, S1 and S2. */
    boolean handshakeAnswered() {
        return s1.isDone() && !s1.isCompletedExceptionally();
    }

    /**
     * Connects (after the handshake, unless done), creates a stream and publishes {@code name} on
     * it, each step after the server answered the previous one; returns the publish {@code
     * onStatus} code, or the connect {@code _error} code.
     */
    String publish(String app, String name) {
        handshake();
        connectCommand(app);
        flush();
        Message connected = awaitReply(1);
        if (!"_result".equals(connected.name())) {
            return connected.code();
        }
        double createStream = command("createStream", null);
        flush();
        awaitReply(createStream);
        publishCommand(name);
        flush();
        return awaitPublishStatus().code();
    }

    /** Writes {@code connect} for an application, as transaction 1. */
    RawRtmpClient connectCommand(String app) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("app", app);
        properties.put("type", "nonprivate");
        properties.put("flashVer", "FMLE/3.0 (compatible; RawRtmpClient)");
        properties.put("tcUrl", "rtmp://127.0.0.1/" + app);
        nextTransaction = 1;
        command("connect", properties);
        return this;
    }

    /** Writes {@code publish} of a stream name (a live publication) on {@link #MEDIA_STREAM}. */
    RawRtmpClient publishCommand(String name) {
        return publishCommand(MEDIA_STREAM, name);
    }

    /** Writes {@code publish} on a message stream, where media go from now on. */
    RawRtmpClient publishCommand(int streamId, String name) {
        mediaStream = streamId;
        byte[] payload = Amf0.encode("publish", 0.0, null, name, "live");
        return send(STREAM_CHUNK_STREAM, RtmpMessage.COMMAND_AMF0, streamId, 0, payload);
    }

    /** Writes a command on message stream 0; returns its transaction id. */
    double command(String name, Object properties, Object... arguments) {
        double transaction = nextTransaction++;
        List<Object> values = new ArrayList<>(List.of(name, transaction));
        values.add(properties);
        values.addAll(List.of(arguments));
        byte[] payload = Amf0.encode(values.toArray());
        send(COMMAND_CHUNK_STREAM, RtmpMessage.COMMAND_AMF0, 0, 0, payload);
        return transaction;
    }

    /** Writes a Set Chunk Size message and switches to that size (section 5.4.1). */
    RawRtmpClient chunkSize(int size) {
        send(CONTROL_CHUNK_STREAM, RtmpMessage.SET_CHUNK_SIZE, 0, 0, RtmpMessage.int32(size));
        chunkSize = size;
        return this;
    }

    RawRtmpClient video(long timestampMs, byte[] data) {
        return send(VIDEO_CHUNK_STREAM, RtmpMessage.VIDEO, mediaStream, timestampMs, data);
    }

    RawRtmpClient audio(long timestampMs, byte[] data) {
        return send(AUDIO_CHUNK_STREAM, RtmpMessage.AUDIO, mediaStream, timestampMs, data);
    }

    /**
     * Writes a message as a type 0 chunk and type 3 continuations of the current chunk size, on a
     * chunk stream from 2 to 63.
     */
    RawRtmpClient send(int chunkStream, int type, int streamId, long timestampMs, byte[] payload) {
        ByteArrayOutputStream chunks = new ByteArrayOutputStream(payload.length + 64);
        boolean extended = timestampMs >= EXTENDED;
        chunks.write(chunkStream);
        writeInt24(chunks, extended ? EXTENDED : (int) timestampMs);
        writeInt24(chunks, payload.length);
        chunks.write(type);
        chunks.writeBytes(new byte[] {(byte) streamId, 0, 0, 0});
        writeExtended(chunks, extended, timestampMs);
        int offset = 0;
        do {
            if (offset > 0) {
                chunks.write(0xC0 | chunkStream);
                writeExtended(chunks, extended, timestampMs);
            }
            int length = Math.min(chunkSize, payload.length - offset);
            chunks.write(payload, offset, length);
            offset += length;
        } while (offset < payload.length);
        return write(chunks.toByteArray());
    }

    /**
     * An AVC sequence header: the FLV video tag header, then an AVCDecoderConfigurationRecord with
     * one SPS and one PPS (Baseline profile, level 3.0).
     */
    static byte[] avcSequenceHeader() {
        return HexFormat.of()
                .parseHex("1700000000" + "0142c01effe1000467" + "42c01e01000468ce3c80");
    }

    /** An AVC frame of {@code size} bytes: a key frame or an inter frame, one NAL unit. */
    static byte[] avcFrame(boolean keyframe, int size) {
        byte[] frame = new byte[Math.max(size, 10)];
        frame[0] = (byte) (keyframe ? 0x17 : 0x27);
        frame[1] = 1;
        System.arraycopy(RtmpMessage.int32(frame.length - 9), 0, frame, 5, 4);
        frame[9] = (byte) (keyframe ? 0x65 : 0x41);
        return frame;
    }

    /** An AAC sequence header: AAC-LC, 44.1 kHz, stereo. */
    static byte[] aacSequenceHeader() {
        return new byte[] {(byte) 0xAF, 0, 0x12, 0x10};
    }

    static byte[] aacFrame(int size) {
        byte[] frame = new byte[Math.max(size, 3)];
        frame[0] = (byte) 0xAF;
        frame[1] = 1;
        return frame;
    }

    /** Buffers bytes exactly as given. */
    RawRtmpClient write(byte[] bytes) {
        try {
            out.write(bytes);
            bytesWritten += bytes.length;
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RawRtmpClient flush() {
        try {
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes and flushes, ignoring that the server may have closed already. */
    void writeQuietly(byte[] bytes) {
        try {
            write(bytes);
            out.flush();
        } catch (IOException | UncheckedIOException e) {
            // the server closing first is one of the outcomes tests look for
        }
    }

    /** Bytes written so far, the handshake included. */
    long bytesWritten() {
        return bytesWritten;
    }

    /** Waits for the {@code _result} or {@code _error} of a transaction. */
    Message awaitReply(double transaction) {
        return await(
                message ->
                        ("_result".equals(message.name()) || "_error".equals(message.name()))
                                && message.transaction() == transaction,
                "the reply to transaction " + transaction);
    }

    /** Waits for an {@code onStatus} (or a reply) whose code is {@code code}. */
    Message awaitStatus(String code) {
        return await(message -> code.equals(message.code()), code);
    }

    /** Waits for the first {@code onStatus} about publishing, whichever its code. */
    Message awaitPublishStatus() {
        return await(
                message ->
                        "onStatus".equals(message.name())
                                && message.code() != null
                                && message.code().startsWith("NetStream.Publish."),
                "a NetStream.Publish status");
    }

    /**
     * Waits for a message, a command or any other; fails once the server closed without sending it,
     * or on timeout.
     */
    Message await(Predicate<Message> wanted, String description) {
        long deadline = System.nanoTime() + REPLY_TIMEOUT.toNanos();
        synchronized (received) {
            while (true) {
                for (Message message : received) {
                    if (wanted.test(message)) {
                        return message;
                    }
                }
                long left = deadline - System.nanoTime();
                if (isClosed() || left <= 0) {
                    throw new AssertionError(
                            "no "
                                    + description
                                    + (isClosed() ? "; the server closed (" + closedBy + ")" : "")
                                    + "; received: "
                                    + received);
                }
                waitFor(left);
            }
        }
    }

    /** Whether the server closed the connection within the timeout. */
    boolean awaitClosed(Duration timeout) {
        try {
            return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** This end of the connection as the server logs it: {@code host:port}. */
    String localAddress() {
        return localAddress;
    }

    boolean isClosed() {
        return closed.getCount() == 0;
    }

    @Override
    public void close() {
        try {
            socket.close();
            reader.join(5_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void writeInt24(ByteArrayOutputStream out, int value) {
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }

    private static void writeExtended(ByteArrayOutputStream out, boolean extended, long value) {
        if (extended) {
            out.writeBytes(RtmpMessage.int32((int) value));
        }
    }

    private byte[] awaitS1() {
        try {
            return s1.get(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("no S0, S1 and S2 from the server: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void waitFor(long nanos) {
        try {
            TimeUnit.NANOSECONDS.timedWait(received, Math.min(nanos, 50_000_000L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void readAll() {
        try (InputStream stream = socket.getInputStream()) {
            DataInputStream in = new DataInputStream(stream);
            byte[] answer = new byte[1 + 2 * HANDSHAKE_SIZE];
            in.readFully(answer);
            s1.complete(Arrays.copyOfRange(answer, 1, 1 + HANDSHAKE_SIZE));
            new ChunkReader(in).readAll();
        } catch (IOException e) {
            closedBy = e.toString();
        } finally {
            s1.completeExceptionally(new IOException("closed before S0, S1 and S2"));
            closed.countDown();
            synchronized (received) {
                received.notifyAll();
            }
        }
    }

    private void received(Message message) {
        synchronized (received) {
            received.add(message);
            received.notifyAll();
        }
    }

    /** Reassembles the server's messages from its chunks (section 5.3.1). */
    private final class ChunkReader {
        private final DataInputStream in;
        private final Map<Integer, Incoming> streams = new HashMap<>();
        private int inboundChunkSize = DEFAULT_CHUNK_SIZE;

        /** Header state and the message in progress of one chunk stream. */
        private static final class Incoming {
            long timestamp;
            long delta;
            int length;
            int type;
            int streamId;
            boolean extended;
            ByteArrayOutputStream body;
        }

        ChunkReader(DataInputStream in) {
            this.in = in;
        }

        void readAll() throws IOException {
            while (true) {
                int first = in.readUnsignedByte();
                int format = first >>> 6;
                int id = first & 0x3F;
                id = id == 0 ? 64 + in.readUnsignedByte() : id;
                id = id == 1 ? 64 + in.readUnsignedByte() + 256 * in.readUnsignedByte() : id;
                Incoming stream = streams.computeIfAbsent(id, any -> new Incoming());
                readHeader(format, stream);
                int length = Math.min(inboundChunkSize, stream.length - stream.body.size());
                stream.body.write(in.readNBytes(length));
                if (stream.body.size() >= stream.length) {
                    complete(stream);
                }
            }
        }

        private void readHeader(int format, Incoming stream) throws IOException {
            long field = format <= 2 ? readInt24() : 0;
            if (format <= 1) {
                stream.length = readInt24();
                stream.type = in.readUnsignedByte();
            }
            if (format == 0) {
                stream.streamId = Integer.reverseBytes(in.readInt());
            }
            stream.extended = format <= 2 ? field == EXTENDED : stream.extended;
            if (stream.extended) {
                long value = in.readInt() & 0xFFFFFFFFL;
                field = format <= 2 ? value : field;
            }
            if (stream.body != null) {
                return; // a continuation: the header fields belong to the message in progress
            }
            stream.delta = format == 3 ? stream.delta : field;
            stream.timestamp = format == 0 ? field : stream.timestamp + stream.delta;
            stream.body = new ByteArrayOutputStream(stream.length);
        }

        private void complete(Incoming stream) {
            byte[] payload = stream.body.toByteArray();
            stream.body = null;
            if (stream.type == RtmpMessage.SET_CHUNK_SIZE) {
                inboundChunkSize = RtmpMessage.readInt32(payload, 0);
            }
            received(new Message(stream.type, stream.streamId, stream.timestamp, payload));
        }

        private int readInt24() throws IOException {
            return in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
        }
    }
}
