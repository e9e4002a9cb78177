package dev.rewind.catalog;

/** A deleted stream's broadcast whose objects are still to be removed from storage. */
public record MediaDeletion(long id, String streamId, String broadcastId, int attempts) {}
