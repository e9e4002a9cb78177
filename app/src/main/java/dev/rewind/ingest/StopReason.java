package dev.rewind.ingest;

/** Why a publication or an RTMP connection ended. */
public enum StopReason {
    CLIENT_CLOSED("client closed"),
    /** The presenter ended the publication (deleteStream, closeStream): the broadcast is over. */
    UNPUBLISHED("unpublished"),
    IDLE("idle"),
    REPLACED("replaced"),
    KEY_ROTATED("key rotated"),
    STREAM_DELETED("stream deleted"),
    PROTOCOL_ERROR("protocol error"),
    TIMEOUT("timeout"),
    REJECTED("rejected"),
    PACKAGING_FAILED("packaging failed"),
    SHUTDOWN("server shutdown");

    private final String text;

    StopReason(String text) {
        this.text = text;
    }

    @Override
    public String toString() {
        return text;
    }
}
