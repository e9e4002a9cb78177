package dev.rewind;

import dev.rewind.auth.ApiTokens;
import dev.rewind.ingest.RecordingPublicationHandler;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Base of the tests that run the whole application on a random port, with the embedded PostgreSQL
 * and S3Proxy under {@code target/it-data}, ingest on random ports, and {@link
 * RecordingPublicationHandler} in place of packaging. Every subclass shares one running
 * application; tests create their own streams and never assume an empty catalog.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "rewind.data-dir=target/it-data",
            "rewind.ingest.rtmp-port=0",
            "rewind.ingest.rtmps-port=0"
        })
@Import(RecordingPublicationHandler.class)
@AutoConfigureWebTestClient(timeout = "30s")
public abstract class RewindIntegrationTest {
    @Autowired protected WebTestClient client;
    @Autowired protected ApiTokens apiTokens;

    /** A fresh API token with the given scopes, valid for an hour. */
    protected String token(String... scopes) {
        return apiTokens.mint(List.of(scopes), Duration.ofHours(1), "test").block().token();
    }

    protected String writeToken() {
        return token(ApiTokens.READ, ApiTokens.WRITE);
    }
}
