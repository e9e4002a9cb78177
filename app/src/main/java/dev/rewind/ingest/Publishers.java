package dev.rewind.ingest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The presenters publishing on this replica, by stream id. */
public final class Publishers {
    private final Map<String, RtmpSession> byStream = new ConcurrentHashMap<>();

    /** What claiming a stream did. */
    enum Claim {
        FREE,
        REPLACED,
        TAKEN
    }

    /**
     * Claims a stream for a session. With {@code takeover}, the current publisher is stopped as
     * replaced; otherwise the claim fails when the stream is taken.
     */
    Claim claim(String streamId, RtmpSession session, boolean takeover) {
        RtmpSession[] previous = new RtmpSession[1];
        RtmpSession winner =
                byStream.compute(
                        streamId,
                        (id, current) -> {
                            previous[0] = current;
                            return current == null || takeover ? session : current;
                        });
        if (winner != session) {
            return Claim.TAKEN;
        }
        if (previous[0] == null) {
            return Claim.FREE;
        }
        previous[0].stop(StopReason.REPLACED);
        return Claim.REPLACED;
    }

    void release(String streamId, RtmpSession session) {
        byStream.remove(streamId, session);
    }

    /** Disconnects the stream's publisher, if any; true when there was one. */
    public boolean disconnect(String streamId, StopReason reason) {
        RtmpSession session = byStream.get(streamId);
        if (session == null) {
            return false;
        }
        session.stop(reason);
        return true;
    }

    /** Disconnects the stream's publisher unless it presented the key with this hash. */
    public boolean disconnectUnlessKey(String streamId, byte[] streamKeySha256, StopReason reason) {
        RtmpSession session = byStream.get(streamId);
        if (session == null || session.usedKey(streamKeySha256)) {
            return false;
        }
        session.stop(reason);
        return true;
    }

    public boolean isPublishing(String streamId) {
        return byStream.containsKey(streamId);
    }

    public int count() {
        return byStream.size();
    }

    void stopAll(StopReason reason) {
        byStream.values().forEach(session -> session.stop(reason));
    }
}
