package dev.rewind.catalog;

import java.util.List;

/** What a partial update sets; a null field is left as it is. */
public record StreamChanges(
        String title,
        List<String> viewerEmails,
        List<String> viewerDomains,
        Integer dvrWindowSeconds,
        Integer retentionDays) {}
