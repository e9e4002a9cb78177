package dev.rewind.api;

import dev.rewind.auth.ViewerAccess;
import dev.rewind.web.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * Viewer access that customers manage: playback tokens for their own portals, and revoking every
 * grant and playback token of a stream at once.
 */
@RestController
@ConditionalOnWebApplication
@Tag(name = "Viewer access")
class AccessController {
    private static final Logger log = LoggerFactory.getLogger(AccessController.class);
    static final int DEFAULT_TTL_SECONDS = 3600;
    static final int MAX_VIEWER_ID_LENGTH = 200;

    private final ViewerAccess access;

    AccessController(ViewerAccess access) {
        this.access = access;
    }

    /** {@code POST /api/streams/{id}/playback-tokens}. */
    record PlaybackTokenRequest(
            @Schema(description = "Seconds the token is valid, 1 to 86400", defaultValue = "3600")
                    Integer ttlSeconds,
            @Schema(
                            description =
                                    "Your own id for the viewer, carried as the token's subject;"
                                            + " not an e-mail address",
                            example = "employee-4711")
                    String viewerId) {}

    /** A playback token: append it to a playlist URL as {@code ?token=}. */
    record PlaybackToken(String token, Instant expiresAt) {}

    @Operation(
            summary = "Mint a playback token for a stream",
            description =
                    "Anyone holding it may watch the stream until it expires or access is"
                            + " revoked. A playlist fetched with ?token= carries the token into"
                            + " every URI it lists.")
    @ApiResponse(responseCode = "200", description = "The token")
    @ApiResponse(
            responseCode = "400",
            description = "The id can name no stream, or a field is malformed or out of range")
    @ApiResponse(responseCode = "401", description = "No valid bearer token")
    @ApiResponse(responseCode = "403", description = "The token lacks streams:write")
    @ApiResponse(responseCode = "404", description = "No such stream")
    @PostMapping(
            path = "/api/streams/{id}/playback-tokens",
            consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<PlaybackToken> mintPlaybackToken(
            @PathVariable String id, @RequestBody(required = false) PlaybackTokenRequest request) {
        int ttl =
                request == null || request.ttlSeconds() == null
                        ? DEFAULT_TTL_SECONDS
                        : request.ttlSeconds();
        String viewerId = request == null ? null : request.viewerId();
        if (ttl < 1 || ttl > 86_400) {
            throw new InvalidInputException("ttlSeconds", "must be 1 to 86400");
        }
        if (viewerId != null
                && (viewerId.isBlank()
                        || viewerId.length() > MAX_VIEWER_ID_LENGTH
                        || viewerId.chars().anyMatch(Character::isISOControl)
                        || viewerId.contains("@"))) {
            throw new InvalidInputException(
                    "viewerId",
                    "must be 1 to 200 characters without control characters, and not an e-mail"
                            + " address");
        }
        return access.playbackToken(StreamRequests.checkId(id), viewerId, Duration.ofSeconds(ttl))
                .switchIfEmpty(Mono.error(() -> notFound(id)))
                .doOnNext(token -> log.info("Playback token minted for stream {}", id))
                .map(token -> new PlaybackToken(token.token(), token.expiresAt()));
    }

    @Operation(
            summary = "Revoke every grant and playback token of a stream",
            description =
                    "Viewers who are still allowed get a new grant when their player refreshes"
                            + " it; playback tokens must be minted anew.")
    @ApiResponse(responseCode = "204", description = "Revoked")
    @ApiResponse(responseCode = "400", description = "The id can name no stream")
    @ApiResponse(responseCode = "401", description = "No valid bearer token")
    @ApiResponse(responseCode = "403", description = "The token lacks streams:write")
    @ApiResponse(responseCode = "404", description = "No such stream")
    @PostMapping("/api/streams/{id}/revoke-access")
    Mono<ResponseEntity<Void>> revokeAccess(@PathVariable String id) {
        return access.revoke(StreamRequests.checkId(id))
                .filter(Boolean::booleanValue)
                .switchIfEmpty(Mono.error(() -> notFound(id)))
                .thenReturn(ResponseEntity.noContent().build());
    }

    private static ResponseStatusException notFound(String id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "No stream with id " + id + ".");
    }
}
