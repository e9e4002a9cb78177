package dev.rewind.catalog;

/**
 * What authorizing a viewer needs to know about a stream.
 *
 * @param accessVersion the version every grant and playback token must carry; revoking access
 *     increments it
 */
public record StreamAccess(String streamId, ViewerPolicy viewers, long accessVersion) {}
