package dev.rewind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.config.EmbeddedPostgres;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Rewind configured for an external PostgreSQL and an external S3 endpoint, as in deployment: here
 * a PostgreSQL server and an S3Proxy that the test runs itself, with their own credentials.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalServicesIntegrationTests {
    private static final String MASTER_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    @TempDir static Path home;
    private EmbeddedPostgres postgres;
    private S3Proxy s3;
    private BlobStore blobs;

    @BeforeAll
    void startServices() throws Exception {
        postgres = new EmbeddedPostgres(home.resolve("postgres"), true);
        postgres.startInBackground();
        var settings = new Properties();
        settings.setProperty("jclouds.filesystem.basedir", home.resolve("s3").toString());
        java.nio.file.Files.createDirectories(home.resolve("s3"));
        blobs = BlobStores.create("filesystem-nio2", settings);
        s3 =
                S3Proxy.builder()
                        .blobStore(blobs)
                        .endpoint(URI.create("http://127.0.0.1:0"))
                        .awsAuthentication(
                                AuthenticationType.AWS_V4, "external-access", "external-secret-123")
                        .build();
        s3.start();
    }

    @AfterAll
    void stopServices() throws Exception {
        s3.stop();
        postgres.close();
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void runsOnTheConfiguredServicesAndNamesThemWithoutCredentials(CapturedOutput output) {
        try (ConfigurableApplicationContext app = start(settings(true))) {
            assertThat(app.containsBean("embeddedPostgres")).isFalse();
            assertThat(app.containsBean("embeddedS3")).isFalse();
            String services = app.getBean(StartupReport.class).services();
            assertThat(services)
                    .contains(
                            "database PostgreSQL at r2dbc:postgresql://127.0.0.1:"
                                    + postgres.port()
                                    + "/postgres")
                    .contains(
                            "storage S3 at http://127.0.0.1:"
                                    + s3.getPort()
                                    + ", bucket external-media")
                    .doesNotContain(postgres.password())
                    .doesNotContain("external-secret-123");

            String token =
                    app.getBean(dev.rewind.auth.ApiTokens.class)
                            .mint(List.of("streams:write"), java.time.Duration.ofMinutes(5), null)
                            .block()
                            .token();
            String port = app.getEnvironment().getProperty("local.server.port");
            WebTestClient.bindToServer()
                    .baseUrl("http://127.0.0.1:" + port)
                    .build()
                    .post()
                    .uri("/api/streams")
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                    .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                    .bodyValue("{\"title\": \"On external services\"}")
                    .exchange()
                    .expectStatus()
                    .isCreated();
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(20))
                    .untilAsserted(
                            () -> assertThat(blobs.containerExists("external-media")).isTrue());
        }
    }

    @Test
    void refusesToStartWithoutAMasterKeyAndSaysWhatToSet() {
        assertThatThrownBy(() -> start(settings(false)).close())
                .rootCause()
                .hasMessageContaining("rewind.security.master-key is not set")
                .hasMessageContaining("REWIND_SECURITY_MASTER_KEY");
    }

    @Test
    void refusesAStorageEndpointWithoutCredentials() {
        List<String> settings = new ArrayList<>(settings(true));
        settings.removeIf(setting -> setting.startsWith("rewind.storage.secret-key"));

        assertThatThrownBy(() -> start(settings).close())
                .rootCause()
                .hasMessageContaining("REWIND_STORAGE_SECRET_KEY");
    }

    private List<String> settings(boolean withMasterKey) {
        String host = "127.0.0.1:" + postgres.port() + "/postgres";
        List<String> settings =
                new ArrayList<>(
                        List.of(
                                "server.port=0",
                                "rewind.ingest.rtmp-port=0",
                                "rewind.ingest.rtmps-port=0",
                                "rewind.data-dir=" + home.resolve("data"),
                                "spring.r2dbc.url=r2dbc:postgresql://" + host,
                                "spring.r2dbc.username=" + postgres.user(),
                                "spring.r2dbc.password=" + postgres.password(),
                                "spring.flyway.url=jdbc:postgresql://" + host,
                                "spring.flyway.user=" + postgres.user(),
                                "spring.flyway.password=" + postgres.password(),
                                "rewind.storage.endpoint=http://127.0.0.1:" + s3.getPort(),
                                "rewind.storage.access-key=external-access",
                                "rewind.storage.secret-key=external-secret-123",
                                "rewind.storage.bucket=external-media"));
        if (withMasterKey) {
            settings.add("rewind.security.master-key=" + MASTER_KEY);
        }
        return settings;
    }

    private static ConfigurableApplicationContext start(List<String> settings) {
        return new SpringApplicationBuilder(RewindApplication.class)
                .run(settings.stream().map(setting -> "--" + setting).toArray(String[]::new));
    }
}
