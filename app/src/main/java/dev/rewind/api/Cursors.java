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

    /** Decodes a cursor, or answers 400 naming the parameter. */
    static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalidCursor();
        }
    }

    static InvalidInputException invalidCursor() {
        return new InvalidInputException(
                "cursor", "expected a nextCursor value from a previous page");
    }

    static int checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidInputException(
                    "limit", "must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        return limit;
    }
}
