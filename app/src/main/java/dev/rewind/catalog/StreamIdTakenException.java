package dev.rewind.catalog;

/** Another stream already has the id a new stream asked for. */
public class StreamIdTakenException extends RuntimeException {
    StreamIdTakenException(String id) {
        super("stream id " + id + " is already taken");
    }
}
