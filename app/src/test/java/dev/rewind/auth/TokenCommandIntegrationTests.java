package dev.rewind.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.RewindApplication;
import dev.rewind.RewindIntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpHeaders;

/**
 * The operator's token command, run against the same data directory as the running server: it
 * borrows the server's embedded PostgreSQL, and what it creates or revokes holds for the server.
 */
class TokenCommandIntegrationTests extends RewindIntegrationTest {
    private static final String DATA_DIR = "--rewind.data-dir=target/it-data";

    @Test
    void createPrintsOnlyTheTokenAndTheServerAcceptsIt() {
        Result created =
                run(
                        "token",
                        "create",
                        "--scope",
                        "streams:read",
                        "--ttl",
                        "2h",
                        "--description",
                        "cli test",
                        DATA_DIR);

        assertThat(created.code()).isZero();
        String token = created.out().strip();
        assertThat(token).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
        assertThat(created.err()).contains("Created API token").contains("streams:read");
        list(token).expectStatus().isOk();
        client.post()
                .uri("/api/streams")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue("{\"title\": \"x\"}")
                .exchange()
                .expectStatus()
                .isForbidden();
    }

    @Test
    void listShowsTokensAndRevokeRefusesThemOnTheServer() {
        Result created =
                run(
                        "token",
                        "create",
                        "--scope",
                        "streams:read streams:write",
                        "--ttl",
                        "1h",
                        DATA_DIR);
        String token = created.out().strip();
        String id = created.err().replaceAll("(?s).*Created API token (\\S+) .*", "$1");
        list(token).expectStatus().isOk();

        Result listed = run("token", "list", DATA_DIR);
        assertThat(listed.code()).isZero();
        assertThat(listed.out()).contains(id).contains("streams:read streams:write");
        assertThat(listed.out()).doesNotContain(token);

        Result revoked = run("token", "revoke", id, DATA_DIR);
        assertThat(revoked.code()).isZero();
        assertThat(revoked.err()).contains("Revoked API token " + id);
        list(token).expectStatus().isUnauthorized();
        assertThat(run("token", "list", DATA_DIR).out()).contains(id + "  ").contains("revoked");
    }

    @Test
    void badUsageExplainsItselfWithoutStartingAnything() {
        Result noAction = run("token");
        assertThat(noAction.code()).isEqualTo(2);
        assertThat(noAction.err()).contains("missing action").contains("usage:");

        Result noTtl = run("token", "create", "--scope", "streams:read");
        assertThat(noTtl.code()).isEqualTo(2);
        assertThat(noTtl.err()).contains("create needs --scope and --ttl");

        Result badTtl = run("token", "create", "--scope", "streams:read", "--ttl", "soon");
        assertThat(badTtl.code()).isEqualTo(2);
        assertThat(badTtl.err())
                .contains("--ttl soon (expected a duration such as 90d, 12h or 30m)");
    }

    @Test
    void invalidScopesAndLifetimesAreRefusedByTheCatalogSide() {
        Result badScope = run("token", "create", "--scope", "admin", "--ttl", "1h", DATA_DIR);
        assertThat(badScope.code()).isEqualTo(2);
        assertThat(badScope.err()).contains("expected one or both of streams:read, streams:write");
        assertThat(badScope.out()).isEmpty();

        Result tooLong =
                run("token", "create", "--scope", "streams:read", "--ttl", "400d", DATA_DIR);
        assertThat(tooLong.code()).isEqualTo(2);
        assertThat(tooLong.err()).contains("rewind.security.api-token-max-ttl");
    }

    @Test
    void aDataDirectoryWithoutADatabaseIsNamedRatherThanCreated(@TempDir Path empty) {
        Result created =
                run(
                        "token",
                        "create",
                        "--scope",
                        "streams:read",
                        "--ttl",
                        "1h",
                        "--rewind.data-dir=" + empty);

        assertThat(created.code()).isEqualTo(1);
        assertThat(created.err())
                .contains("--rewind.data-dir")
                .containsAnyOf("no Rewind database in", "no master key in");
        assertThat(created.out()).isEmpty();
        assertThat(empty).isEmptyDirectory();
    }

    @Test
    void extraArgumentsAndMultiLineDescriptionsAreRefused() {
        assertThat(run("token", "create", "--scope", "streams:read", "--ttl", "1h", "extra").err())
                .contains("unexpected argument extra");
        assertThat(run("token", "list", "extra").err()).contains("unexpected argument extra");
        assertThat(
                        run(
                                        "token",
                                        "create",
                                        "--scope",
                                        "streams:read",
                                        "--ttl",
                                        "1h",
                                        "--description",
                                        "a\nb")
                                .err())
                .contains("--description must be one line");
    }

    @Test
    void revokingAnUnknownTokenFails() {
        Result revoked = run("token", "revoke", "no-such-token", DATA_DIR);

        assertThat(revoked.code()).isEqualTo(1);
        assertThat(revoked.err()).contains("No API token no-such-token");
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec list(
            String token) {
        return client.get()
                .uri("/api/streams?limit=1")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange();
    }

    private static Result run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code =
                new TokenCommand(
                                new PrintStream(out, true, StandardCharsets.UTF_8),
                                new PrintStream(err, true, StandardCharsets.UTF_8))
                        .execute(RewindApplication.class, args);
        return new Result(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Result(int code, String out, String err) {}
}
