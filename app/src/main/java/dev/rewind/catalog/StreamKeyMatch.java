package dev.rewind.catalog;

/**
 * The stream a key hash belongs to, with the stored hash so that the caller compares it in constant
 * time.
 */
public record StreamKeyMatch(String streamId, byte[] streamKeySha256) {}
