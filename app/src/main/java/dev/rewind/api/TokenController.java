package dev.rewind.api;

import dev.rewind.auth.ApiTokens;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/** Revokes API tokens; a revoked token is refused by every replica from the next request on. */
@RestController
@ConditionalOnWebApplication
@Tag(name = "API tokens")
class TokenController {
    private static final Logger log = LoggerFactory.getLogger(TokenController.class);

    private final ApiTokens tokens;

    TokenController(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @Operation(summary = "Revoke an API token by its id (the jti claim)")
    @ApiResponse(responseCode = "204", description = "Revoked (revoking twice is harmless)")
    @ApiResponse(responseCode = "401", description = "No valid bearer token")
    @ApiResponse(responseCode = "403", description = "The token lacks streams:write")
    @ApiResponse(responseCode = "404", description = "No such token")
    @DeleteMapping("/api/tokens/{id}")
    Mono<ResponseEntity<Void>> revokeToken(@PathVariable String id) {
        return tokens.revoke(id)
                .flatMap(
                        found ->
                                found
                                        ? Mono.just(ResponseEntity.noContent().<Void>build())
                                        : Mono.error(
                                                new ResponseStatusException(
                                                        HttpStatus.NOT_FOUND,
                                                        "No API token with id " + id + ".")))
                .doOnNext(response -> log.info("API token {} revoked", id));
    }
}
