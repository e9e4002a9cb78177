package dev.rewind.ingest;

/** A peer broke the RTMP protocol; the connection that did so is closed. */
final class RtmpProtocolException extends RuntimeException {
    RtmpProtocolException(String message) {
        super(message, null, false, false);
    }
}
