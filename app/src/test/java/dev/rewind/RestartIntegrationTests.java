package dev.rewind;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Rewind started twice on one data directory: the second run finds the streams, the signing keys
 * and the master key of the first, so that tokens minted before a restart still work.
 */
class RestartIntegrationTests {

    @Test
    void streamsKeysAndTokensSurviveARestart(@TempDir Path dataDir) {
        String token;
        String streamId;
        List<String> kids;
        try (ConfigurableApplicationContext first = start(dataDir)) {
            WebTestClient client = client(first);
            token =
                    first.getBean(dev.rewind.auth.ApiTokens.class)
                            .mint(
                                    List.of("streams:read", "streams:write"),
                                    java.time.Duration.ofHours(1),
                                    null)
                            .block()
                            .token();
            String created =
                    client.post()
                            .uri("/api/streams")
                            .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                            .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                            .bodyValue("{\"title\": \"Survives restarts\", \"id\": \"survivor\"}")
                            .exchange()
                            .expectStatus()
                            .isCreated()
                            .expectBody(String.class)
                            .returnResult()
                            .getResponseBody();
            streamId = JsonPath.read(created, "$.id");
            kids = kids(client);
        }
        assertThat(Files.exists(dataDir.resolve("master.key"))).isTrue();
        assertThat(Files.exists(dataDir.resolve("postgres/cluster/postmaster.pid")))
                .as("the first run stopped its PostgreSQL")
                .isFalse();

        try (ConfigurableApplicationContext second = start(dataDir)) {
            WebTestClient client = client(second);
            client.get()
                    .uri("/api/streams/" + streamId)
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.title")
                    .isEqualTo("Survives restarts");
            assertThat(kids(client)).containsAll(kids);
        }
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        return new SpringApplicationBuilder(RewindApplication.class)
                .properties("rewind.data-dir=" + dataDir, "server.port=0")
                .run();
    }

    private static WebTestClient client(ConfigurableApplicationContext context) {
        String port = context.getEnvironment().getProperty("local.server.port");
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
    }

    private static List<String> kids(WebTestClient client) {
        String json =
                client.get()
                        .uri("/.well-known/jwks.json")
                        .exchange()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody();
        return JsonPath.read(json, "$.keys[*].kid");
    }
}
