package dev.rewind.storage;

/** A storage request that the object store answered with an error. */
public class StorageException extends RuntimeException {
    StorageException(String message) {
        super(message);
    }
}
