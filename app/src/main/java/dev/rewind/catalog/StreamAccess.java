package dev.rewind.catalog;

/**
 * What authorizing a viewer needs to know about a stream.
 *
 * @param accessVersion the version every grant and playback token must carry; revoking access
 *     raises it, to the time of the revocation in milliseconds at least
 */
public record StreamAccess(String streamId, ViewerPolicy viewers, long accessVersion) {}
