package dev.rewind.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import dev.rewind.RewindIntegrationTest;
import dev.rewind.auth.ApiTokens;
import dev.rewind.catalog.Ids;
import dev.rewind.catalog.StreamKeys;
import dev.rewind.ingest.IngestServer;
import dev.rewind.storage.ObjectKeys;
import dev.rewind.storage.ObjectStore;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The streams API against the running application with its embedded PostgreSQL and S3Proxy: every
 * status the API documents, with the problem details it answers. Each status a test sees is
 * checked, at the end, against {@code /api/openapi.json}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamApiIntegrationTests extends RewindIntegrationTest {
    private static final List<String> TEMPLATES =
            List.of(
                    "/api/streams",
                    "/api/streams/{id}",
                    "/api/streams/{id}/stream-key",
                    "/api/streams/{id}/broadcasts",
                    "/api/tokens/{id}");

    private final List<Observed> observed = Collections.synchronizedList(new ArrayList<>());

    @Autowired DatabaseClient db;
    @Autowired ObjectStore store;
    @Autowired IngestServer ingest;

    private WebTestClient api;
    private String writer;
    private String reader;

    @BeforeAll
    void recordStatuses() {
        api = client.mutate().filter(recording()).build();
        writer = writeToken();
        reader = token(ApiTokens.READ);
    }

    @Test
    void createReturnsTheStreamWithItsKeyOnce() {
        String id = "all-hands-" + Ids.random(6);
        String body =
                """
                {"title": "  All hands  ", "id": "%s",
                 "viewers": {"emails": ["CEO@Example.com", "ceo@example.com"], "domains": ["Example.COM"]},
                 "dvrWindowSeconds": 3600, "retentionDays": 7}
                """
                        .formatted(id);

        var created = post("/api/streams", writer, body).expectStatus().isCreated();

        created.expectHeader().valueEquals(HttpHeaders.LOCATION, "/api/streams/" + id);
        String json = created.expectBody(String.class).returnResult().getResponseBody();
        assertThat((String) JsonPath.read(json, "$.id")).isEqualTo(id);
        assertThat((String) JsonPath.read(json, "$.title")).isEqualTo("All hands");
        assertThat((String) JsonPath.read(json, "$.state")).isEqualTo("idle");
        assertThat((String) JsonPath.read(json, "$.ingest.rtmpUrl"))
                .isEqualTo("rtmp://localhost:" + ingest.rtmpPort() + "/live");
        assertThat((String) JsonPath.read(json, "$.ingest.rtmpsUrl"))
                .isEqualTo("rtmps://localhost:" + ingest.rtmpsPort() + "/live");
        assertThat((String) JsonPath.read(json, "$.playbackUrl"))
                .isEqualTo("http://localhost:8080/v/" + id);
        assertThat((String) JsonPath.read(json, "$.hlsUrl"))
                .isEqualTo("http://localhost:8080/live/" + id + "/index.m3u8");
        assertThat((List<String>) JsonPath.read(json, "$.viewers.emails"))
                .containsExactly("ceo@example.com");
        assertThat((List<String>) JsonPath.read(json, "$.viewers.domains"))
                .containsExactly("example.com");
        assertThat((Integer) JsonPath.read(json, "$.dvrWindowSeconds")).isEqualTo(3600);
        assertThat((Integer) JsonPath.read(json, "$.retentionDays")).isEqualTo(7);
        assertThat(Instant.parse(JsonPath.read(json, "$.createdAt")))
                .isBefore(Instant.now().plusSeconds(1));

        String key = JsonPath.read(json, "$.ingest.streamKey");
        assertThat(key).matches("[a-z2-7]{32}");
        assertThat(storedKeyHash(id)).isEqualTo(StreamKeys.sha256(key));

        get("/api/streams/" + id, reader)
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.ingest.streamKey")
                .doesNotExist()
                .jsonPath("$.ingest.rtmpUrl")
                .isEqualTo("rtmp://localhost:" + ingest.rtmpPort() + "/live");
    }

    @Test
    void createWithoutIdGeneratesOneAndAppliesDefaults() {
        String json =
                post("/api/streams", writer, "{\"title\": \"Town hall\"}")
                        .expectStatus()
                        .isCreated()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody();

        assertThat((String) JsonPath.read(json, "$.id")).matches("^[a-z0-9][a-z0-9-]{2,62}$");
        assertThat((Integer) JsonPath.read(json, "$.dvrWindowSeconds")).isZero();
        assertThat((Integer) JsonPath.read(json, "$.retentionDays")).isEqualTo(30);
        assertThat((List<String>) JsonPath.read(json, "$.viewers.emails")).isEmpty();
    }

    @Test
    void titlesCountCharactersNotCodeUnits() {
        String emoji = "\uD83C\uDFA5".repeat(200);

        String json = body(post("/api/streams", writer, "{\"title\": \"" + emoji + "\"}"));

        assertThat((String) JsonPath.read(json, "$.title")).isEqualTo(emoji);
    }

    @Test
    void createWithATakenIdIsAConflict() {
        String id = createStream();

        problem(post("/api/streams", writer, "{\"title\": \"x\", \"id\": \"" + id + "\"}"), 409)
                .jsonPath("$.detail")
                .isEqualTo("stream id " + id + " is already taken.");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
                    missing title             | {}                                               | title
                    blank title               | {"title": "   "}                                 | title
                    title too long            | {"title": "%s"}                                  | title
                    title not a string        | {"title": 7}                                     | title
                    id with capitals          | {"title": "t", "id": "Town-Hall"}                | id
                    id too short              | {"title": "t", "id": "ab"}                       | id
                    id starting with a dash   | {"title": "t", "id": "-abc"}                     | id
                    negative DVR window       | {"title": "t", "dvrWindowSeconds": -1}           | dvrWindowSeconds
                    DVR window over a day     | {"title": "t", "dvrWindowSeconds": 86401}        | dvrWindowSeconds
                    DVR window as a string    | {"title": "t", "dvrWindowSeconds": "30"}         | dvrWindowSeconds
                    DVR window as a fraction  | {"title": "t", "dvrWindowSeconds": 1.5}          | dvrWindowSeconds
                    retention of zero days    | {"title": "t", "retentionDays": 0}               | retentionDays
                    retention over ten years  | {"title": "t", "retentionDays": 3651}            | retentionDays
                    unknown field             | {"title": "t", "color": "red"}                   | color
                    viewers not an object     | {"title": "t", "viewers": "everyone"}            | viewers
                    emails not an array       | {"title": "t", "viewers": {"emails": "a@b.com"}} | viewers.emails
                    malformed e-mail          | {"title": "t", "viewers": {"emails": ["ceo"]}}   | viewers.emails[0]
                    e-mail without domain dot | {"title": "t", "viewers": {"emails": ["a@b"]}}   | viewers.emails[0]
                    malformed domain          | {"title": "t", "viewers": {"domains": ["a b"]}}  | viewers.domains[0]
                    domain with a scheme      | {"title": "t", "viewers": {"domains": ["a:b.io"]}}  | viewers.domains[0]
                    malformed JSON            | {"title":                                        | body
                    trailing garbage          | {"title": "t"} x                                 | body
                    a second JSON value       | {"title": "t"} {"title": "u"}                    | body
                    duplicate field           | {"title": "t", "title": "u"}                     | body
                    DVR window beyond int     | {"title": "t", "dvrWindowSeconds": 2147483648}   | dvrWindowSeconds
                    retention beyond long     | {"title": "t", "retentionDays": 99999999999999999999} | retentionDays
                    NUL in title              | {"title": "a\\u0000b"}                           | title
                    newline in title          | {"title": "two\\nlines"}                         | title
                    em space title            | {"title": "\\u2003"}                             | title
                    no-break space title      | {"title": "\\u00a0"}                             | title
                    lone surrogate title      | {"title": "\\ud800"}                             | title
                    201 emoji title           | {"title": "%e"}                                  | title
                    e-mail with double dot    | {"title": "t", "viewers": {"emails": ["a..b@b.co"]}} | viewers.emails[0]
                    e-mail with leading dot   | {"title": "t", "viewers": {"emails": [".a@b.co"]}}  | viewers.emails[0]
                    """)
    void createRejectsInvalidInputNamingTheField(String name, String body, String field) {
        String json = body.replace("%s", "t".repeat(201)).replace("%e", "\uD83C\uDFA5".repeat(201));

        problem(post("/api/streams", writer, json), 400)
                .jsonPath("$.title")
                .isEqualTo("Invalid request")
                .jsonPath("$.errors[0].field")
                .isEqualTo(field)
                .jsonPath("$.errors[0].message")
                .value(message -> assertThat((String) message).isNotBlank())
                .jsonPath("$.detail")
                .value(detail -> assertThat((String) detail).startsWith(field + ": "));
    }

    @Test
    void contentAfterTheJsonValueIsNamedAsSuch() {
        problem(post("/api/streams", writer, "{\"title\": \"a\"} {\"title\": \"b\"}"), 400)
                .jsonPath("$.detail")
                .isEqualTo("body: unexpected content after the JSON value");
        problem(post("/api/streams", writer, "{\"title\": \"a\", \"title\": \"b\"}"), 400)
                .jsonPath("$.detail")
                .isEqualTo("body: field title appears twice");
        problem(
                        post(
                                "/api/streams",
                                writer,
                                "{\"title\": \"a\", \"retentionDays\": 4294967296}"),
                        400)
                .jsonPath("$.detail")
                .isEqualTo("retentionDays: number out of range");
    }

    @Test
    void createWithoutBodyIsRejected() {
        problem(
                        api.post()
                                .uri("/api/streams")
                                .header(HttpHeaders.AUTHORIZATION, "Bearer " + writer)
                                .contentType(MediaType.APPLICATION_JSON)
                                .exchange(),
                        400)
                .jsonPath("$.errors[0].field")
                .isEqualTo("body");
    }

    @Test
    void createReportsEveryInvalidField() {
        problem(
                        post(
                                "/api/streams",
                                writer,
                                "{\"title\": \"\", \"retentionDays\": 0, \"id\": \"X\"}"),
                        400)
                .jsonPath("$.errors.length()")
                .isEqualTo(3);
    }

    @Test
    void bodiesOver64KibAreRefused() {
        String body = "{\"title\": \"" + "t".repeat(70_000) + "\"}";

        problem(post("/api/streams", writer, body), 413)
                .jsonPath("$.detail")
                .isEqualTo("The request body is larger than 64 KiB.");
    }

    @Test
    void bodiesThatAreNotJsonAreRefused() {
        var response =
                api.post()
                        .uri("/api/streams")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + writer)
                        .contentType(MediaType.TEXT_PLAIN)
                        .bodyValue("title=x")
                        .exchange();

        problem(response, 415);
    }

    @Test
    void requestsWithoutAValidTokenAreUnauthorized() {
        problem(api.get().uri("/api/streams").exchange(), 401)
                .jsonPath("$.detail")
                .isEqualTo("A bearer token is required.");
        problem(get("/api/streams", "not-a-token"), 401);
        problem(post("/api/streams", "not-a-token", "{\"title\": \"x\"}"), 401);
        api.get()
                .uri("/api/streams")
                .header(HttpHeaders.AUTHORIZATION, "Bearer x.y.z")
                .exchange()
                .expectHeader()
                .valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
    }

    @Test
    void aRevokedTokenIsRefusedAtOnce() {
        ApiTokens.MintedToken minted =
                apiTokens.mint(List.of(ApiTokens.READ), Duration.ofHours(1), "to revoke").block();
        get("/api/streams", minted.token()).expectStatus().isOk();

        delete("/api/tokens/" + minted.id(), writer).expectStatus().isNoContent();

        problem(get("/api/streams", minted.token()), 401);
        delete("/api/tokens/" + minted.id(), writer).expectStatus().isNoContent();
    }

    @Test
    void revokingAnUnknownTokenIsNotFound() {
        problem(delete("/api/tokens/no-such-token", writer), 404);
    }

    @Test
    void aReadTokenCannotChangeAnything() {
        String id = createStream();

        problem(post("/api/streams", reader, "{\"title\": \"x\"}"), 403)
                .jsonPath("$.detail")
                .isEqualTo("This request needs the scope streams:write.");
        problem(patch("/api/streams/" + id, reader, "{\"title\": \"x\"}"), 403);
        problem(delete("/api/streams/" + id, reader), 403);
        problem(post("/api/streams/" + id + "/stream-key", reader, null), 403);
        problem(delete("/api/tokens/whatever", reader), 403);
        get("/api/streams/" + id, reader).expectStatus().isOk();
    }

    @Test
    void aWriteOnlyTokenCanAlsoRead() {
        String writeOnly = token(ApiTokens.WRITE);

        get("/api/streams", writeOnly).expectStatus().isOk();
    }

    @Test
    void listPagesNewestFirst() {
        String first = createStream();
        String second = createStream();
        String third = createStream();

        String page1 = body(get("/api/streams?limit=2", reader));
        assertThat((List<String>) JsonPath.read(page1, "$.items[*].id"))
                .containsExactly(third, second);
        String cursor = JsonPath.read(page1, "$.nextCursor");
        assertThat(cursor).isNotNull();

        String page2 = body(get("/api/streams?limit=2&cursor=" + cursor, reader));
        assertThat((List<String>) JsonPath.read(page2, "$.items[*].id")).startsWith(first);
        assertThat((List<String>) JsonPath.read(page2, "$.items[*].ingest.streamKey")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "limit=0, limit",
        "limit=101, limit",
        "limit=many, limit",
        "limit=0x10, limit",
        "limit=+5, limit",
        "limit=%230, limit",
        "cursor=%%%, cursor",
        "cursor=eA, cursor"
    })
    void listRejectsBadPaging(String query, String field) {
        problem(get("/api/streams?" + query, reader), 400)
                .jsonPath("$.title")
                .isEqualTo("Invalid request")
                .jsonPath("$.errors[0].field")
                .isEqualTo(field)
                .jsonPath("$.detail")
                .value(detail -> assertThat((String) detail).startsWith(field + ": "));
    }

    @Test
    void unknownEndpointsAreNotFound() {
        problem(get("/api/nothing", reader), 404)
                .jsonPath("$.detail")
                .isEqualTo("No such endpoint: GET /api/nothing.");
    }

    @Test
    void getOfAnUnknownStreamIsNotFound() {
        problem(get("/api/streams/no-such-stream", reader), 404)
                .jsonPath("$.detail")
                .isEqualTo("No stream with id no-such-stream.");
    }

    @Test
    void malformedIdsAreBadRequests() {
        problem(get("/api/streams/Not_An_Id", reader), 400)
                .jsonPath("$.errors[0].field")
                .isEqualTo("id")
                .jsonPath("$.detail")
                .value(detail -> assertThat((String) detail).startsWith("id: must be 3 to 63"));
        problem(delete("/api/streams/x", writer), 400);
    }

    @Test
    void patchChangesOnlyTheGivenFields() {
        String id =
                JsonPath.read(
                        body(
                                post(
                                        "/api/streams",
                                        writer,
                                        "{\"title\": \"Before\", \"viewers\": {\"emails\":"
                                                + " [\"ceo@example.com\"]}}")),
                        "$.id");

        String json =
                body(
                        patch(
                                "/api/streams/" + id,
                                writer,
                                "{\"title\": \"Renamed\", \"viewers\": {\"domains\":"
                                        + " [\"Corp.Example\"]}}"));

        assertThat((String) JsonPath.read(json, "$.title")).isEqualTo("Renamed");
        assertThat((List<String>) JsonPath.read(json, "$.viewers.domains"))
                .containsExactly("corp.example");
        assertThat((List<String>) JsonPath.read(json, "$.viewers.emails"))
                .containsExactly("ceo@example.com");
        assertThat((Integer) JsonPath.read(json, "$.retentionDays")).isEqualTo(30);

        String cleared =
                body(patch("/api/streams/" + id, writer, "{\"viewers\": {\"emails\": []}}"));
        assertThat((List<String>) JsonPath.read(cleared, "$.viewers.emails")).isEmpty();
        assertThat((List<String>) JsonPath.read(cleared, "$.viewers.domains"))
                .containsExactly("corp.example");

        String windowed =
                body(
                        patch(
                                "/api/streams/" + id,
                                writer,
                                "{\"dvrWindowSeconds\": 600, \"title\": null}"));
        assertThat((Integer) JsonPath.read(windowed, "$.dvrWindowSeconds")).isEqualTo(600);
        assertThat((String) JsonPath.read(windowed, "$.title")).isEqualTo("Renamed");
    }

    @Test
    void patchRejectsInvalidValuesAndUnknownStreams() {
        String id = createStream();

        problem(patch("/api/streams/" + id, writer, "{\"retentionDays\": -3}"), 400)
                .jsonPath("$.errors[0].field")
                .isEqualTo("retentionDays");
        problem(patch("/api/streams/" + id, writer, "{\"title\": \" \"}"), 400);
        problem(patch("/api/streams/" + id, writer, "{\"title\": \"\\u2003\"}"), 400)
                .jsonPath("$.errors[0].message")
                .isEqualTo("must not be blank");
        problem(patch("/api/streams/" + id, writer, "{\"title\": \"a\\u0000b\"}"), 400)
                .jsonPath("$.errors[0].message")
                .isEqualTo("must be a single line without control characters");
        problem(patch("/api/streams/" + id, writer, "{\"id\": \"other\"}"), 400)
                .jsonPath("$.errors[0].field")
                .isEqualTo("id");
        problem(patch("/api/streams/no-such-stream", writer, "{\"title\": \"x\"}"), 404);
        var text =
                api.patch()
                        .uri("/api/streams/" + id)
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + writer)
                        .contentType(MediaType.TEXT_PLAIN)
                        .bodyValue("title")
                        .exchange();
        problem(text, 415);
        problem(
                patch("/api/streams/" + id, writer, "{\"title\": \"" + "t".repeat(70_000) + "\"}"),
                413);
    }

    @Test
    void rotatingTheKeyReplacesItsHash() {
        String json = body(post("/api/streams", writer, "{\"title\": \"Keys\"}"));
        String id = JsonPath.read(json, "$.id");
        String oldKey = JsonPath.read(json, "$.ingest.streamKey");

        String rotated = body(post("/api/streams/" + id + "/stream-key", writer, null));

        String newKey = JsonPath.read(rotated, "$.streamKey");
        assertThat(newKey).matches("[a-z2-7]{32}").isNotEqualTo(oldKey);
        assertThat(storedKeyHash(id))
                .isEqualTo(StreamKeys.sha256(newKey))
                .isNotEqualTo(StreamKeys.sha256(oldKey));
        problem(post("/api/streams/no-such-stream/stream-key", writer, null), 404);
    }

    @Test
    void deleteRemovesTheStreamAndLaterItsMedia() {
        String id = createStream();
        String broadcastId =
                insertBroadcast(
                        id, Instant.now().minusSeconds(600), Instant.now().minusSeconds(60));
        String prefix = ObjectKeys.broadcastPrefix(id, broadcastId);
        store.put(prefix + "init-0.mp4", new byte[] {0, 0, 0, 8}, "video/mp4").block();
        store.put(prefix + "0.m4s", new byte[] {0, 0, 0, 8}, "video/iso.segment").block();

        delete("/api/streams/" + id, writer).expectStatus().isNoContent();

        problem(get("/api/streams/" + id, reader), 404);
        problem(delete("/api/streams/" + id, writer), 404);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(store.list(prefix).collectList().block()).isEmpty());
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () ->
                                assertThat(
                                                db.sql(
                                                                "select count(*) from"
                                                                        + " media_deletions where"
                                                                        + " stream_id = :id")
                                                        .bind("id", id)
                                                        .map(row -> row.get(0, Long.class))
                                                        .one()
                                                        .block())
                                        .isZero());
    }

    @Test
    void broadcastsArePagedNewestFirst() {
        String id = createStream();
        get("/api/streams/" + id + "/broadcasts", reader)
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.items.length()")
                .isEqualTo(0);
        Instant start = Instant.parse("2026-11-02T09:00:00Z");
        String oldest = insertBroadcast(id, start, start.plusSeconds(3600));
        String middle =
                insertBroadcast(id, start.plusSeconds(86_400), start.plusSeconds(86_400 + 1800));
        String newest = insertBroadcast(id, start.plusSeconds(2 * 86_400), null);

        String page1 = body(get("/api/streams/" + id + "/broadcasts?limit=2", reader));
        assertThat((List<String>) JsonPath.read(page1, "$.items[*].id"))
                .containsExactly(newest, middle);
        assertThat((String) JsonPath.read(page1, "$.items[0].state")).isEqualTo("live");
        assertThat((Object) JsonPath.read(page1, "$.items[0].durationSeconds")).isNull();
        assertThat((Integer) JsonPath.read(page1, "$.items[1].durationSeconds")).isEqualTo(1800);
        assertThat((String) JsonPath.read(page1, "$.items[1].replayUrl"))
                .isEqualTo("http://localhost:8080/v/" + id + "?broadcast=" + middle);
        String page2 =
                body(
                        get(
                                "/api/streams/"
                                        + id
                                        + "/broadcasts?limit=2&cursor="
                                        + JsonPath.read(page1, "$.nextCursor"),
                                reader));
        assertThat((List<String>) JsonPath.read(page2, "$.items[*].id")).containsExactly(oldest);
        assertThat((Object) JsonPath.read(page2, "$.nextCursor")).isNull();
        get("/api/streams/" + id, reader).expectBody().jsonPath("$.state").isEqualTo("live");

        problem(get("/api/streams/no-such-stream/broadcasts", reader), 404);
        String nulCursor = Cursors.encode("2026-01-01T00:00:00Z \0");
        problem(get("/api/streams/" + id + "/broadcasts?cursor=" + nulCursor, reader), 400)
                .jsonPath("$.errors[0].field")
                .isEqualTo("cursor");
        problem(get("/api/streams/" + id + "/broadcasts?cursor=bm9wZQ", reader), 400);
    }

    /** Every status this class saw must be documented for its operation in the OpenAPI file. */
    @AfterAll
    void everyObservedStatusIsDocumented() {
        String spec = body(client.get().uri("/api/openapi.json").exchange());
        List<String> missing = new ArrayList<>();
        for (Observed seen : List.copyOf(observed)) {
            String path =
                    "$.paths['"
                            + seen.template()
                            + "']."
                            + seen.method().name().toLowerCase()
                            + ".responses";
            Map<String, Object> responses = JsonPath.read(spec, path);
            if (!responses.containsKey(Integer.toString(seen.status()))) {
                missing.add(seen.toString());
            }
        }
        assertThat(missing).as("statuses answered but not documented").isEmpty();

        String stream = body(get("/api/streams/" + createStream(), reader));
        Map<String, Object> answered = JsonPath.read(stream, "$");
        Map<String, Object> documented =
                JsonPath.read(spec, "$.components.schemas.Stream.properties");
        assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(answered.keySet());
        Map<String, Object> ingest = JsonPath.read(spec, "$.components.schemas.Ingest.properties");
        assertThat(ingest.keySet()).containsExactlyInAnyOrder("rtmpUrl", "rtmpsUrl", "streamKey");
        assertThat(observed.stream().map(Observed::status).distinct())
                .contains(200, 201, 204, 400, 401, 403, 404, 409, 413, 415);
    }

    private String createStream() {
        return JsonPath.read(
                body(post("/api/streams", writer, "{\"title\": \"Test stream\"}")), "$.id");
    }

    private String insertBroadcast(String streamId, Instant startedAt, Instant endedAt) {
        String id = "b" + Ids.random(12);
        var spec =
                db.sql(
                                """
                                insert into broadcasts (id, stream_id, state, started_at, ended_at, end_reason)
                                values (:id, :stream, :state, :started, :ended, :reason)
                                """)
                        .bind("id", id)
                        .bind("stream", streamId)
                        .bind("state", endedAt == null ? "live" : "ended")
                        .bind("started", startedAt.atOffset(ZoneOffset.UTC));
        spec =
                endedAt == null
                        ? spec.bindNull("ended", java.time.OffsetDateTime.class)
                                .bindNull("reason", String.class)
                        : spec.bind("ended", endedAt.atOffset(ZoneOffset.UTC))
                                .bind("reason", "client closed");
        spec.then().block();
        return id;
    }

    private byte[] storedKeyHash(String id) {
        return db.sql("select stream_key_sha256 from streams where id = :id")
                .bind("id", id)
                .map(row -> row.get(0, byte[].class))
                .one()
                .block();
    }

    private WebTestClient.ResponseSpec get(String uri, String token) {
        return api.get().uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange();
    }

    private WebTestClient.ResponseSpec delete(String uri, String token) {
        return api.delete()
                .uri(uri)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange();
    }

    private WebTestClient.ResponseSpec post(String uri, String token, String json) {
        var request = api.post().uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        return json == null
                ? request.exchange()
                : request.contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private WebTestClient.ResponseSpec patch(String uri, String token, String json) {
        return api.patch()
                .uri(uri)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json)
                .exchange();
    }

    private static String body(WebTestClient.ResponseSpec response) {
        return response.expectStatus()
                .is2xxSuccessful()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }

    private static WebTestClient.BodyContentSpec problem(
            WebTestClient.ResponseSpec response, int status) {
        return response.expectStatus()
                .isEqualTo(status)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo(status);
    }

    private ExchangeFilterFunction recording() {
        PathPatternParser parser = new PathPatternParser();
        List<PathPattern> patterns = TEMPLATES.stream().map(parser::parse).toList();
        return (request, next) ->
                next.exchange(request)
                        .doOnNext(
                                response -> {
                                    PathContainer path =
                                            PathContainer.parsePath(request.url().getRawPath());
                                    patterns.stream()
                                            .filter(pattern -> pattern.matches(path))
                                            .findFirst()
                                            .ifPresent(
                                                    pattern ->
                                                            observed.add(
                                                                    new Observed(
                                                                            request.method(),
                                                                            pattern
                                                                                    .getPatternString(),
                                                                            response.statusCode()
                                                                                    .value())));
                                });
    }

    private record Observed(HttpMethod method, String template, int status) {}
}
