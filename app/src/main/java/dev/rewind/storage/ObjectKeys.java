package dev.rewind.storage;

import java.util.regex.Pattern;

/**
 * The object key layout, in one place: every writer, reader and deleter of media asks this class
 * where an object lives.
 *
 * <pre>
 * streams/{streamId}/{broadcastId}/          one broadcast's objects
 * streams/{streamId}/{broadcastId}/init-{n}.mp4   its n-th CMAF init segment (ftyp + moov)
 * streams/{streamId}/{broadcastId}/{seq}.m4s      the media segment with media sequence seq
 * </pre>
 */
public final class ObjectKeys {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern OBJECT =
            Pattern.compile("init-[0-9]{1,9}\\.mp4|[0-9]{1,18}\\.m4s");

    private ObjectKeys() {}

    /** The prefix under which every object of one broadcast is stored. */
    public static String broadcastPrefix(String streamId, String broadcastId) {
        return "streams/" + streamId + "/" + broadcastId + "/";
    }

    /** The name, within its broadcast, of the n-th init segment. */
    public static String initName(int number) {
        return "init-" + number + ".mp4";
    }

    /** The name, within its broadcast, of the segment with this media sequence number. */
    public static String segmentName(long mediaSequence) {
        return mediaSequence + ".m4s";
    }

    /** The key of an object of a broadcast, from its name within the broadcast. */
    public static String key(String streamId, String broadcastId, String name) {
        return broadcastPrefix(streamId, broadcastId) + name;
    }

    /**
     * Whether a stream id, broadcast id and object name, as a viewer sent them, can name a stored
     * object: anything else (other characters, {@code ..}, slashes) names none.
     */
    public static boolean isMediaName(String streamId, String broadcastId, String name) {
        return ID.matcher(streamId).matches()
                && ID.matcher(broadcastId).matches()
                && OBJECT.matcher(name).matches();
    }

    /** Whether an object name is an init segment rather than a media segment. */
    public static boolean isInit(String name) {
        return name.startsWith("init-");
    }
}
