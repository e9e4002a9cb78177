package dev.rewind.ingest;

import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A stream created through the REST API, and the key that publishes to it. */
public record TestStream(String id, String key) {
    private static final ParameterizedTypeReference<Map<String, Object>> JSON =
            new ParameterizedTypeReference<>() {};

    @SuppressWarnings("unchecked")
    public static TestStream create(WebTestClient client, String token, String title) {
        Map<String, Object> stream =
                client.post()
                        .uri("/api/streams")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("title", title))
                        .exchange()
                        .expectStatus()
                        .isCreated()
                        .expectBody(JSON)
                        .returnResult()
                        .getResponseBody();
        Map<String, Object> ingest = (Map<String, Object>) stream.get("ingest");
        return new TestStream((String) stream.get("id"), (String) ingest.get("streamKey"));
    }

    /** Rotates the key through the API; the same stream with its new key. */
    TestStream rotateKey(WebTestClient client, String token) {
        Map<String, Object> rotated =
                client.post()
                        .uri("/api/streams/{id}/stream-key", id)
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(JSON)
                        .returnResult()
                        .getResponseBody();
        return new TestStream(id, (String) rotated.get("streamKey"));
    }
}
