package dev.rewind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import dev.rewind.auth.ApiTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Rewind started twice on one data directory: the second run finds the streams, the signing keys
 * and the master key of the first, so that tokens minted before a restart still work. The first run
 * is used as the README says, with the token it prints; the second revokes that one.
 */
@ExtendWith(OutputCaptureExtension.class)
class RestartIntegrationTests {

    @Test
    void streamsKeysAndTokensSurviveARestart(@TempDir Path dataDir, CapturedOutput output) {
        String printed;
        String token;
        String streamId;
        List<String> kids;
        try (ConfigurableApplicationContext first = start(dataDir)) {
            WebTestClient client = client(first);
            printed = printedToken(output);
            token =
                    first.getBean(ApiTokens.class)
                            .mint(List.of(ApiTokens.READ), Duration.ofHours(1), "survives")
                            .block()
                            .token();
            String created =
                    client.post()
                            .uri("/api/streams")
                            .header(HttpHeaders.AUTHORIZATION, "Bearer " + printed)
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
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () ->
                                    client.get()
                                            .uri("/api/streams")
                                            .header(HttpHeaders.AUTHORIZATION, "Bearer " + printed)
                                            .exchange()
                                            .expectStatus()
                                            .isUnauthorized());
        }
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryRefusesToStartAndLeavesTheFirstAlone(
            @TempDir Path dataDir) {
        try (ConfigurableApplicationContext first = start(dataDir)) {
            String token =
                    first.getBean(ApiTokens.class)
                            .mint(List.of(ApiTokens.READ), Duration.ofHours(1), null)
                            .block()
                            .token();

            assertThatThrownBy(() -> start(dataDir).close())
                    .rootCause()
                    .hasMessageContaining("another Rewind server uses the data directory");

            client(first)
                    .get()
                    .uri("/api/streams")
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                    .exchange()
                    .expectStatus()
                    .isOk();
        }
    }

    /** The token embedded mode prints once the server is ready. */
    private static String printedToken(CapturedOutput output) {
        Pattern export = Pattern.compile("export REWIND_TOKEN=(\\S+)");
        await().atMost(Duration.ofSeconds(30)).until(() -> export.matcher(output.getOut()).find());
        Matcher matcher = export.matcher(output.getOut());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        return new SpringApplicationBuilder(RewindApplication.class)
                .run(
                        "--rewind.data-dir=" + dataDir,
                        "--server.port=0",
                        "--rewind.ingest.rtmp-port=0",
                        "--rewind.ingest.rtmps-port=0");
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
