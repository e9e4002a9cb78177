package dev.rewind.api;

import dev.rewind.web.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque paging cursors: base64url of the key of the last item a page listed. */
final class Cursors {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private Cursors() {}

    static String encode(String key) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Decodes a cursor, or answers 400 naming the parameter. Only printable ASCII can come out, as
     * only that goes in.
     */
    static String decode(String cursor) {
        String key;
        try {
            key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalidCursor();
        }
        if (!key.matches("[\\x20-\\x7e]{1,200}")) {
            throw invalidCursor();
        }
        return key;
    }

    static InvalidInputException invalidCursor() {
        return new InvalidInputException(
                "cursor", "expected a nextCursor value from a previous page");
    }

    /** Parses {@code limit} strictly: decimal digits only, 1 to 100; absent means 20. */
    static int limit(String limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (!limit.matches("[0-9]{1,9}")) {
            throw new InvalidInputException(
                    "limit", "expected an integer between 1 and " + MAX_LIMIT);
        }
        int value = Integer.parseInt(limit);
        if (value < 1 || value > MAX_LIMIT) {
            throw new InvalidInputException(
                    "limit", "must be between 1 and " + MAX_LIMIT + ", got " + value);
        }
        return value;
    }
}
