package dev.rewind.catalog;

import java.util.List;
import java.util.Locale;

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

    /**
     * Whether a verified e-mail address may watch: it is listed, or its domain is. Case does not
     * matter; a subdomain of a listed domain is not that domain.
     */
    public boolean admits(String email) {
        if (email == null) {
            return false;
        }
        String address = email.toLowerCase(Locale.ROOT);
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return false;
        }
        return emails.contains(address) || domains.contains(address.substring(at + 1));
    }
}
