package dev.rewind.api;

import dev.rewind.api.StreamRequests.Create;
import dev.rewind.api.StreamRequests.Update;
import dev.rewind.api.StreamResponses.BroadcastPage;
import dev.rewind.api.StreamResponses.StreamKey;
import dev.rewind.api.StreamResponses.StreamPage;
import dev.rewind.api.StreamResponses.StreamView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import reactor.core.publisher.Mono;

/**
 * The OpenAPI description of the streams API. The error statuses listed here are the ones the
 * implementation answers; a test holds the two together.
 */
@Tag(name = "Streams")
interface StreamApi {

    @Operation(
            summary = "Create a stream",
            description =
                    "The response is the only place the stream key appears; Rewind keeps only"
                            + " its SHA-256.")
    @ApiResponse(responseCode = "201", description = "Created; Location names the stream")
    @ApiResponse(
            responseCode = "400",
            description = "A field is missing, malformed or out of range")
    @ApiResponse(responseCode = "401", description = "No valid bearer token")
    @ApiResponse(responseCode = "403", description = "The token lacks streams:write")
    @ApiResponse(responseCode = "409", description = "The requested id is taken")
    @ApiResponse(responseCode = "413", description = "The body is larger than 64 KiB")
    @ApiResponse(responseCode = "415", description = "The body is not application/json")
    Mono<ResponseEntity<StreamView>> createStream(Create request);

    @Operation(summary = "List streams, newest first")
    @ApiResponse(responseCode = "200", description = "A page of streams")
    @ApiResponse(responseCode = "400", description = "limit or cursor is invalid")
    @ApiResponse(responseCode = "401", description = "No valid bearer token")
    @ApiResponse(responseCode = "403", description = "The token lacks streams:read")
    Mono<StreamPage> listStreams(
            @Parameter(
                            description = "Page size",
                            schema =
                                    @Schema(
                                            type = "integer",
                                            minimum = "1",
                                            maximum = "100",
                                            defaultValue = "20"))
                    String limit,
            @Parameter(description = "nextCursor of the previous page") String cursor);

    @Operation(summary = "Get a stream", description = "Never includes the stream key.")
    @ApiResponse(responseCode = "200", description = "The stream")
    @ApiResponse(responseCode = "400", description = "The id is malformed")
    @ApiResponse(responseCode = "401", description = "No valid bearer token")
    @ApiResponse(responseCode = "403", description = "The token lacks streams:read")
    @ApiResponse(responseCode = "404", description = "No such stream")
    Mono<StreamView> getStream(String id);

    @Operation(
            summary = "Change a stream's title, viewers, DVR window or retention",
            description =
                    "Fields left out or null keep their value. Inside viewers, a list that is"
                            + " given replaces the stored one and a list left out is kept.")
    @ApiResponse(responseCode = "200", description = "The changed stream")
    @ApiResponse(responseCode = "400", description = "A field is malformed or out of range")
    @ApiResponse(responseCode = "401", description = "No valid bearer token")
    @ApiResponse(responseCode = "403", description = "The token lacks streams:write")
    @ApiResponse(responseCode = "404", description = "No such stream")
    @ApiResponse(responseCode = "413", description = "The body is larger than 64 KiB")
    @ApiResponse(responseCode = "415", description = "The body is not application/json")
    Mono<StreamView> updateStream(String id, Update request);

    @Operation(
            summary = "Delete a stream",
            description = "Its broadcasts' media are deleted from storage in the background.")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "400", description = "The id is malformed")
    @ApiResponse(responseCode = "401", description = "No valid bearer token")
    @ApiResponse(responseCode = "403", description = "The token lacks streams:write")
    @ApiResponse(responseCode = "404", description = "No such stream")
    Mono<ResponseEntity<Void>> deleteStream(String id);

    @Operation(
            summary = "Replace a stream's key",
            description = "The old key stops working at once.")
    @ApiResponse(responseCode = "200", description = "The new key, shown only here")
    @ApiResponse(responseCode = "400", description = "The id is malformed")
    @ApiResponse(responseCode = "401", description = "No valid bearer token")
    @ApiResponse(responseCode = "403", description = "The token lacks streams:write")
    @ApiResponse(responseCode = "404", description = "No such stream")
    Mono<StreamKey> rotateStreamKey(String id);

    @Operation(summary = "List a stream's broadcasts, newest first")
    @ApiResponse(responseCode = "200", description = "A page of broadcasts")
    @ApiResponse(responseCode = "400", description = "The id, limit or cursor is invalid")
    @ApiResponse(responseCode = "401", description = "No valid bearer token")
    @ApiResponse(responseCode = "403", description = "The token lacks streams:read")
    @ApiResponse(responseCode = "404", description = "No such stream")
    Mono<BroadcastPage> listBroadcasts(
            String id,
            @Parameter(
                            description = "Page size",
                            schema =
                                    @Schema(
                                            type = "integer",
                                            minimum = "1",
                                            maximum = "100",
                                            defaultValue = "20"))
                    String limit,
            @Parameter(description = "nextCursor of the previous page") String cursor);
}
