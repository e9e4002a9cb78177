package dev.rewind.ingest;

import dev.rewind.catalog.Ids;
import dev.rewind.catalog.StreamKeyMatch;
import dev.rewind.catalog.StreamKeys;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One presenter's conversation with Rewind after the handshake: the NetConnection and NetStream
 * commands (RTMP 1.0 specification, section 7.2), the stream key check, and the publication of its
 * media. Messages are handled one at a time, in order, so that media sent right after {@code
 * publish} waits for the key check instead of being lost.
 */
final class RtmpSession {
    private static final Logger log = LoggerFactory.getLogger(RtmpSession.class);
    private static final int WINDOW = 2_500_000;
    private static final int STREAM_BEGIN = 0;
    private static final int DYNAMIC_LIMIT = 2;
    private static final Duration IDLE_CHECK = Duration.ofSeconds(1);

    /**
     * How much of a publication may wait for packaging before reading the socket pauses, whichever
     * limit comes first: 32 tags are about half a second of a 3 Mbit/s stream; the byte limit holds
     * when frames are large.
     */
    private static final int QUEUED_TAGS = 32;

    private static final long QUEUED_BYTES = 1 << 20;

    private enum State {
        NEW,
        CONNECTED,
        PUBLISHING,
        ENDED
    }

    private final RtmpConnection connection;
    private final IngestServices services;
    private final IngestProperties properties;
    private volatile State state = State.NEW;
    private String keyInApp;
    private double objectEncoding;
    private int nextStreamId = 1;
    private FlvTag metadata;
    private volatile Publication publication;
    private boolean published;
    private volatile boolean closed;
    private volatile byte[] keyHash;
    private int publishStreamId;
    private volatile long lastMediaNanos;
    private volatile boolean backpressured;
    private long tags;
    private ScheduledFuture<?> commandTimer;
    private ScheduledFuture<?> idleTimer;

    RtmpSession(RtmpConnection connection, IngestServices services) {
        this.connection = connection;
        this.services = services;
        this.properties = services.properties();
    }

    /** Starts the clock for handshake and commands. */
    void start() {
        long timeout = properties.commandTimeout().toMillis();
        commandTimer =
                connection
                        .channel()
                        .eventLoop()
                        .schedule(this::commandTimeout, timeout, TimeUnit.MILLISECONDS);
    }

    Mono<Void> handle(RtmpMessage message) {
        if (state == State.ENDED) {
            return Mono.empty();
        }
        return Mono.defer(() -> dispatch(message))
                .onErrorResume(RtmpProtocolException.class, this::protocolError);
    }

    /** Disconnects the presenter; safe from any thread. */
    void stop(StopReason reason) {
        connection.close(reason, null);
    }

    boolean usedKey(byte[] streamKeySha256) {
        byte[] used = keyHash;
        return used != null && MessageDigest.isEqual(used, streamKeySha256);
    }

    /** Ends the session once the connection is gone, and says why. */
    void finish() {
        state = State.ENDED;
        closed = true;
        cancel(commandTimer);
        RtmpConnection.Ending ending = connection.ending();
        if (publication != null) {
            endPublication(ending.reason(), ending.detail());
        } else {
            log.info(
                    "{} {} disconnected{}: {}{}",
                    connection.protocol(),
                    connection.remote(),
                    published ? " after publishing" : " without publishing",
                    ending.reason(),
                    detail(ending.detail()));
        }
    }

    private synchronized void endPublication(StopReason reason, String detail) {
        Publication current = publication;
        if (current == null) {
            return;
        }
        publication = null;
        cancel(idleTimer);
        services.publishers().release(current.streamId(), this);
        current.stop(reason);
        long seconds =
                Duration.between(current.startedAt(), services.clock().instant()).toSeconds();
        log.info(
                "Stream {} stopped publishing from {}: {}{} after {} s, {} tags",
                current.streamId(),
                connection.remote(),
                reason,
                detail(detail),
                seconds,
                tags);
        tags = 0;
    }

    private static String detail(String detail) {
        return detail == null ? "" : " (" + detail + ")";
    }

    private Mono<Void> dispatch(RtmpMessage message) {
        return switch (message.type()) {
            case RtmpMessage.COMMAND_AMF0 -> command(Amf0.decodeAll(message.payload(), 0), message);
            case RtmpMessage.COMMAND_AMF3 -> command(Amf0.decodeAll(message.payload(), 1), message);
            case RtmpMessage.DATA_AMF0 -> data(Amf0.decodeAll(message.payload(), 0), message);
            case RtmpMessage.DATA_AMF3 -> data(Amf0.decodeAll(message.payload(), 1), message);
            case RtmpMessage.AUDIO, RtmpMessage.VIDEO ->
                    media(
                            new FlvTag(
                                    message.type(),
                                    message.timestampMs(),
                                    message.payload(),
                                    message.receivedAtMs()));
            case RtmpMessage.AGGREGATE ->
                    Flux.fromIterable(Aggregate.split(message)).concatMap(this::media).then();
            default -> Mono.empty();
        };
    }

    private Mono<Void> command(List<Object> values, RtmpMessage message) {
        if (values.isEmpty() || !(values.get(0) instanceof String name)) {
            throw new RtmpProtocolException("command without a name");
        }
        double transaction =
                values.size() > 1 && values.get(1) instanceof Number n ? n.doubleValue() : 0;
        if (state == State.NEW && !name.equals("connect")) {
            throw new RtmpProtocolException("command '" + printable(name) + "' before connect");
        }
        switch (name) {
            case "connect" -> connect(transaction, values);
            case "createStream" -> result(transaction, null, (double) nextStreamId++);
            case "releaseStream",
                    "FCPublish",
                    "FCUnpublish",
                    "getStreamLength",
                    "checkBandwidth",
                    "_checkbw" ->
                    result(transaction, null, Amf0.UNDEFINED);
            case "publish" -> {
                return publish(values, message.streamId());
            }
            case "deleteStream", "closeStream" -> unpublish(name);
            case "_result", "_error", "onStatus", "onBWDone", "_checkbwDone" -> {
                // answers to calls Rewind does not make, or courtesy calls: nothing to do
            }
            default -> unknownCommand(transaction, name);
        }
        return Mono.empty();
    }

    /** The presenter stopped; it may close the connection or publish again. */
    private void unpublish(String command) {
        if (state != State.PUBLISHING) {
            return;
        }
        state = State.CONNECTED;
        endPublication(StopReason.UNPUBLISHED, command);
        start();
    }

    private void connect(double transaction, List<Object> values) {
        if (state != State.NEW) {
            throw new RtmpProtocolException("second connect on one connection");
        }
        Map<?, ?> request =
                values.size() > 2 && values.get(2) instanceof Map<?, ?> map ? map : Map.of();
        String app = request.get("app") instanceof String text ? withoutQuery(text) : "";
        app = app.endsWith("/") ? app.substring(0, app.length() - 1) : app;
        if (!app.equals(properties.app()) && !app.startsWith(properties.app() + "/")) {
            refuseConnect(transaction);
            return;
        }
        keyInApp =
                app.length() > properties.app().length()
                        ? app.substring(properties.app().length() + 1)
                        : null;
        objectEncoding = request.get("objectEncoding") instanceof Number n ? n.doubleValue() : 0;
        state = State.CONNECTED;
        connection.send(
                ChunkEncoder.CONTROL_CHUNK_STREAM,
                RtmpMessage.control(RtmpMessage.WINDOW_ACK_SIZE, WINDOW));
        connection.send(
                ChunkEncoder.CONTROL_CHUNK_STREAM,
                RtmpMessage.outgoing(RtmpMessage.SET_PEER_BANDWIDTH, 0, peerBandwidth()));
        connection.raiseChunkSize();
        result(
                transaction,
                map("fmsVer", "FMS/3,0,1,123", "capabilities", 31.0),
                status("status", "NetConnection.Connect.Success", "Connection succeeded."));
    }

    private void refuseConnect(double transaction) {
        log.info(
                "{} {}: connect refused: unknown application (expected /{})",
                connection.protocol(),
                connection.remote(),
                properties.app());
        callError(
                transaction,
                "NetConnection.Connect.Rejected",
                "Unknown application; publish to /" + properties.app());
        connection.close(StopReason.REJECTED, "unknown application");
    }

    private Mono<Void> publish(List<Object> values, int streamId) {
        if (state != State.CONNECTED) {
            refusePublish(streamId, "NetStream.Publish.BadName", "Already publishing.");
            return Mono.empty();
        }
        if (services.keyAttempts().locked(connection.remoteAddress().getAddress())) {
            log.info(
                    "{} {}: publish refused: too many wrong stream keys",
                    connection.protocol(),
                    connection.remote());
            refusePublish(
                    streamId,
                    "NetStream.Publish.BadName",
                    "Too many wrong stream keys; try again later.");
            return Mono.empty();
        }
        String name =
                values.size() > 3 && values.get(3) instanceof String text ? withoutQuery(text) : "";
        String key = name.isEmpty() && keyInApp != null ? keyInApp : name;
        byte[] hash = StreamKeys.sha256(key);
        return services.streamKeys()
                .apply(hash)
                .filter(match -> MessageDigest.isEqual(match.streamKeySha256(), hash))
                .map(StreamKeyMatch::streamId)
                .flatMap(id -> startPublishing(id, hash, streamId).thenReturn(id))
                .switchIfEmpty(Mono.fromRunnable(() -> wrongKey(streamId)))
                .then();
    }

    private void wrongKey(int streamId) {
        boolean locked = services.keyAttempts().failed(connection.remoteAddress().getAddress());
        log.info(
                "{} {}: publish refused: wrong stream key{}",
                connection.protocol(),
                connection.remote(),
                locked ? "; further attempts from it are limited" : "");
        refusePublish(streamId, "NetStream.Publish.BadName", "Invalid stream key.");
    }

    private Mono<Void> startPublishing(String id, byte[] hash, int streamId) {
        if (state == State.ENDED) {
            return Mono.empty();
        }
        boolean takeover =
                properties.duplicatePublish() == IngestProperties.DuplicatePublish.TAKEOVER;
        keyHash = hash; // before the claim: a key rotation checks it once the session is listed
        Publishers.Claim claim = services.publishers().claim(id, this, takeover);
        if (claim == Publishers.Claim.TAKEN) {
            log.info(
                    "Stream {}: publish from {} refused: already publishing",
                    id,
                    connection.remote());
            refusePublish(
                    streamId, "NetStream.Publish.BadName", "Stream is already being published.");
            return Mono.empty();
        }
        publishStreamId = streamId;
        Publication started =
                new Publication(
                        id,
                        Ids.random(12),
                        connection.remoteAddress(),
                        connection.secure(),
                        claim == Publishers.Claim.REPLACED,
                        services.clock().instant(),
                        new TagChannel(QUEUED_TAGS, QUEUED_BYTES));
        publication = started;
        published = true;
        state = State.PUBLISHING;
        lastMediaNanos = System.nanoTime();
        cancel(commandTimer);
        idleTimer =
                connection
                        .channel()
                        .eventLoop()
                        .scheduleAtFixedRate(
                                this::checkIdle,
                                IDLE_CHECK.toMillis(),
                                IDLE_CHECK.toMillis(),
                                TimeUnit.MILLISECONDS);
        connection.send(
                ChunkEncoder.CONTROL_CHUNK_STREAM,
                RtmpMessage.outgoing(RtmpMessage.USER_CONTROL, 0, streamBegin(streamId)));
        onStatus(streamId, status("status", "NetStream.Publish.Start", "Publishing started."));
        log.info(
                "Stream {} publishing from {} over {}{}",
                id,
                connection.remote(),
                connection.protocol(),
                started.takeover() ? ", replacing the previous publisher" : "");
        consume(started);
        if (closed) { // the presenter left while its key was being checked
            endPublication(connection.ending().reason(), connection.ending().detail());
            return Mono.empty();
        }
        // not chained: media must not wait for it, or a fast publisher's bytes wait unread
        recheckKey(id, hash).subscribe();
        return metadata == null ? Mono.empty() : offer(metadata);
    }

    /**
     * Looks the key up again now that the session is listed as the stream's publisher: a rotation
     * that committed after the first lookup, but disconnected before the listing, is caught here.
     */
    private Mono<Void> recheckKey(String id, byte[] hash) {
        return services.streamKeys()
                .apply(hash)
                .filter(match -> match.streamId().equals(id))
                .switchIfEmpty(Mono.fromRunnable(() -> stop(StopReason.KEY_ROTATED)))
                .onErrorResume(error -> Mono.empty())
                .then();
    }

    private void consume(Publication started) {
        services.handler()
                .handle(started)
                .doOnError(
                        error ->
                                log.warn(
                                        "Stream {}: packaging failed: {}",
                                        started.streamId(),
                                        error.toString()))
                .onErrorResume(error -> Mono.empty())
                .doOnTerminate(() -> packagingEnded(started))
                .subscribe();
    }

    /** Packaging ending a publication that is still live cannot take its media: disconnect. */
    private void packagingEnded(Publication ended) {
        if (publication == ended) {
            stop(StopReason.PACKAGING_FAILED);
        }
    }

    private Mono<Void> data(List<Object> values, RtmpMessage message) {
        List<Object> rest = values;
        if (!rest.isEmpty() && "@setDataFrame".equals(rest.get(0))) {
            rest = rest.subList(1, rest.size());
        }
        if (rest.size() < 2 || !"onMetaData".equals(rest.get(0))) {
            return Mono.empty();
        }
        FlvTag tag =
                new FlvTag(
                        FlvTag.SCRIPT,
                        message.timestampMs(),
                        Amf0.encode("onMetaData", rest.get(1)),
                        message.receivedAtMs());
        if (state != State.PUBLISHING) {
            metadata = tag;
            return Mono.empty();
        }
        return offer(tag);
    }

    private Mono<Void> media(FlvTag tag) {
        if (state != State.PUBLISHING) {
            return Mono.empty(); // before publish or after a refusal: nobody to give it to
        }
        lastMediaNanos = System.nanoTime();
        String unsupported = unsupportedCodec(tag);
        if (unsupported != null) {
            refuseCodec(unsupported);
            return Mono.empty();
        }
        if (tag.isSequenceHeader()) {
            updateCodecs(tag);
        }
        return offer(tag);
    }

    private Mono<Void> offer(FlvTag tag) {
        tags++;
        try {
            if (publication.offer(tag)) {
                return Mono.empty();
            }
        } catch (IllegalStateException e) {
            stop(StopReason.PACKAGING_FAILED);
            return Mono.empty();
        }
        backpressured = true; // packaging is behind: stop reading until it takes a tag
        return publication
                .room()
                .doFinally(
                        signal -> {
                            backpressured = false;
                            lastMediaNanos = System.nanoTime();
                        });
    }

    private String unsupportedCodec(FlvTag tag) {
        if (tag.isExtendedVideo()
                && !properties.enhancedVideoCodecs().contains(tag.codec())
                && !services.handler().readsEnhancedVideo(tag.codec())) {
            return "video codec " + printable(tag.codec());
        }
        if (tag.type() == FlvTag.AUDIO && "extended".equals(tag.codec())) {
            return "enhanced RTMP audio";
        }
        return null;
    }

    private void refuseCodec(String codec) {
        Publication current = publication;
        log.info(
                "Stream {}: publish from {} refused: {} is not supported by the configured FFmpeg",
                current.streamId(),
                connection.remote(),
                codec);
        connection.closing(StopReason.REJECTED, codec + " is not supported");
        onStatus(
                publishStreamId,
                status("error", "NetStream.Publish.Rejected", codec + " is not supported."));
        state = State.ENDED;
        connection.close(StopReason.REJECTED, codec + " is not supported");
    }

    private void updateCodecs(FlvTag tag) {
        Publication current = publication;
        byte[] data = tag.data();
        // FLV annex E.4: AAC has 2 header bytes; AVC 5 (with the composition time), and
        // enhanced RTMP 5 (with the FourCC)
        int headerSize = tag.type() == FlvTag.AUDIO ? 2 : 5;
        byte[] config = Arrays.copyOfRange(data, Math.min(headerSize, data.length), data.length);
        current.codecs(
                tag.type() == FlvTag.VIDEO
                        ? current.codecs().withVideo(tag.codec(), config)
                        : current.codecs().withAudio(tag.codec(), config));
    }

    private void checkIdle() {
        if (state != State.PUBLISHING || backpressured) {
            return;
        }
        long idleNanos = System.nanoTime() - lastMediaNanos;
        if (idleNanos > properties.idleTimeout().toNanos()) {
            connection.close(
                    StopReason.IDLE, "no media for " + properties.idleTimeout().toSeconds() + " s");
        }
    }

    private void commandTimeout() {
        if (state == State.NEW || state == State.CONNECTED) {
            connection.close(
                    StopReason.TIMEOUT,
                    "no publish within "
                            + properties.commandTimeout().toSeconds()
                            + " s of connecting");
        }
    }

    private Mono<Void> protocolError(RtmpProtocolException error) {
        state = State.ENDED;
        connection.close(StopReason.PROTOCOL_ERROR, error.getMessage());
        return Mono.empty();
    }

    private void refusePublish(int streamId, String code, String description) {
        connection.closing(StopReason.REJECTED, description);
        onStatus(streamId, status("error", code, description));
        connection.close(StopReason.REJECTED, description);
    }

    private void unknownCommand(double transaction, String name) {
        log.debug(
                "{} {}: unknown command '{}'",
                connection.protocol(),
                connection.remote(),
                printable(name));
        callError(
                transaction,
                "NetConnection.Call.Failed",
                "Unknown command '" + printable(name) + "'.");
    }

    private void callError(double transaction, String code, String description) {
        call("_error", transaction, null, status("error", code, description));
    }

    private void result(double transaction, Object properties, Object information) {
        if (transaction != 0) {
            call("_result", transaction, properties, information);
        }
    }

    private void call(String name, double transaction, Object properties, Object information) {
        connection.send(
                ChunkEncoder.COMMAND_CHUNK_STREAM,
                RtmpMessage.outgoing(
                        RtmpMessage.COMMAND_AMF0,
                        0,
                        Amf0.encode(name, transaction, properties, information)));
    }

    private void onStatus(int streamId, Map<String, Object> information) {
        connection.send(
                ChunkEncoder.STATUS_CHUNK_STREAM,
                RtmpMessage.outgoing(
                        RtmpMessage.COMMAND_AMF0,
                        streamId,
                        Amf0.encode("onStatus", 0.0, null, information)));
    }

    private Map<String, Object> status(String level, String code, String description) {
        Map<String, Object> status = map("level", level, "code", code, "description", description);
        if (code.startsWith("NetConnection.")) {
            status.put("objectEncoding", objectEncoding);
        }
        return status;
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static byte[] peerBandwidth() {
        byte[] payload = new byte[5];
        System.arraycopy(RtmpMessage.int32(WINDOW), 0, payload, 0, 4);
        payload[4] = DYNAMIC_LIMIT;
        return payload;
    }

    private static byte[] streamBegin(int streamId) {
        byte[] payload = new byte[6];
        payload[1] = STREAM_BEGIN;
        System.arraycopy(RtmpMessage.int32(streamId), 0, payload, 2, 4);
        return payload;
    }

    private static String withoutQuery(String text) {
        int query = text.indexOf('?');
        return query < 0 ? text : text.substring(0, query);
    }

    /** Names from the network, made safe for a log line. */
    private static String printable(String text) {
        String shortened = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return shortened.replaceAll("[^\\x20-\\x7E]", "?");
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
