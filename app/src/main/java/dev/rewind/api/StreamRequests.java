package dev.rewind.api;

import dev.rewind.catalog.Ids;
import dev.rewind.web.InvalidInputException;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Request bodies of the streams API, with the rules each field must meet. */
final class StreamRequests {
    static final String ID_PATTERN = Ids.STREAM_ID_PATTERN;
    // Validation messages stay free of braces: a brace sends Hibernate Validator to its resource
    // bundles, which it reads from disk on first use, on the event loop.
    static final String ID_RULE =
            "must be 3 to 63 lower-case letters, digits and dashes, starting with a letter or"
                    + " digit";
    static final String DOMAIN_PATTERN =
            "^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$";
    // A dot-atom local part (RFC 5322: no leading, trailing or doubled dots) and a host name.
    static final String EMAIL_PATTERN =
            "^(?=.{3,254}$)(?=[^@]{1,64}@)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
                    + "(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@"
                    + "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$";
    static final int MAX_DVR_WINDOW_SECONDS = 86_400;
    static final int MAX_RETENTION_DAYS = 3_650;
    static final int MAX_VIEWER_ENTRIES = 1_000;

    private StreamRequests() {}

    /** Removes a title's leading and trailing white space, no-break spaces included. */
    static String normalizeTitle(String title) {
        int start = 0;
        int end = title.length();
        while (start < end && isSpace(title.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(title.charAt(end - 1))) {
            end--;
        }
        return title.substring(start, end);
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    /** {@code POST /api/streams}. */
    record Create(
            @Schema(description = "What viewers see as the stream's name", example = "All hands")
                    @NotNull(message = "is required")
                    @Title
                    String title,
            @Schema(
                            description = "Public id; a short random one is generated when absent",
                            example = "customer-01",
                            pattern = ID_PATTERN)
                    @Pattern(regexp = ID_PATTERN, message = ID_RULE)
                    String id,
            @Valid Viewers viewers,
            @Schema(description = "Seconds of the live broadcast viewers can rewind; 0 = all of it")
                    @DvrWindow
                    Integer dvrWindowSeconds,
            @Schema(description = "Days broadcasts are kept", defaultValue = "30") @RetentionDays
                    Integer retentionDays) {}

    /**
     * {@code PATCH /api/streams/{id}}: fields left out (or null) keep their value, also inside
     * {@code viewers}, where a list that is given replaces the stored one.
     */
    record Update(
            @Title String title,
            @Valid Viewers viewers,
            @DvrWindow Integer dvrWindowSeconds,
            @RetentionDays Integer retentionDays) {}

    /** Who may watch after signing in; matching is case-insensitive. */
    record Viewers(
            @Schema(example = "[\"ceo@example.com\"]")
                    @Size(max = MAX_VIEWER_ENTRIES, message = "must list at most 1000 addresses")
                    List<
                                    @NotNull(message = "must be an e-mail address")
                                    @Pattern(
                                            regexp = EMAIL_PATTERN,
                                            message =
                                                    "must be an e-mail address such as"
                                                            + " name@example.com")
                                    String>
                            emails,
            @Schema(example = "[\"example.com\"]")
                    @Size(max = MAX_VIEWER_ENTRIES, message = "must list at most 1000 domains")
                    List<
                                    @NotNull(message = "must be a domain name")
                                    @Pattern(
                                            regexp = DOMAIN_PATTERN,
                                            message = "must be a domain name such as example.com")
                                    String>
                            domains) {}

    /** Ids outside the pattern can never exist; say so rather than look them up. */
    static String checkId(String id) {
        if (!id.matches(ID_PATTERN)) {
            throw new InvalidInputException("id", ID_RULE);
        }
        return id;
    }
}
