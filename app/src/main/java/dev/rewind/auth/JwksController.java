package dev.rewind.auth;

import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Publishes the public halves of Rewind's signing keys (RFC 7517). */
@RestController
@ConditionalOnWebApplication
class JwksController {
    private final SigningKeys keys;

    JwksController(SigningKeys keys) {
        this.keys = keys;
    }

    @GetMapping(path = "/.well-known/jwks.json", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<Map<String, Object>>> jwks() {
        return keys.publicKeys()
                .map(
                        set ->
                                ResponseEntity.ok()
                                        .cacheControl(CacheControl.maxAge(SigningKeys.REFRESH))
                                        .body(set.toJSONObject(true)));
    }
}
