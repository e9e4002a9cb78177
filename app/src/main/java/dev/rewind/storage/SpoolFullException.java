package dev.rewind.storage;

/** The local spool has no room left for another object while storage is unreachable. */
public class SpoolFullException extends StorageException {
    SpoolFullException(String message) {
        super(message);
    }
}
