package dev.rewind.storage;

/**
 * The object key layout, in one place: every writer, reader and deleter of media asks this class
 * where an object lives.
 *
 * <pre>
 * streams/{streamId}/{broadcastId}/          one broadcast's objects
 * </pre>
 */
public final class ObjectKeys {
    private ObjectKeys() {}

    /** The prefix under which every object of one broadcast is stored. */
    public static String broadcastPrefix(String streamId, String broadcastId) {
        return "streams/" + streamId + "/" + broadcastId + "/";
    }
}
