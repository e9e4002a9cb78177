package dev.rewind.catalog;

import java.util.List;

/**
 * Who may watch a stream after signing in: exact e-mail addresses and whole domains, both kept in
 * lower case. An empty policy admits nobody by sign-in.
 */
public record ViewerPolicy(List<String> emails, List<String> domains) {
    public static final ViewerPolicy NOBODY = new ViewerPolicy(List.of(), List.of());

    public ViewerPolicy {
        emails = List.copyOf(emails);
        domains = List.copyOf(domains);
    }
}
