package dev.rewind.catalog;

/** What a partial update sets; a null field is left as it is. */
public record StreamChanges(
        String title, ViewerPolicy viewers, Integer dvrWindowSeconds, Integer retentionDays) {}
