package dev.rewind.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.RewindApplication;
import dev.rewind.auth.ApiTokens;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Ingest configured strictly, in an application of its own (the shared test application keeps the
 * defaults): a second publisher with a live stream's key is refused rather than taking over, and a
 * publisher that goes quiet is disconnected after 2 s instead of 10.
 */
class StrictIngestIntegrationTests {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);

    @TempDir static Path dataDir;

    private static ConfigurableApplicationContext context;
    private static WebTestClient api;
    private static String token;
    private static int rtmpPort;
    private static RecordingPublicationHandler recorder;

    @BeforeAll
    static void start() {
        context =
                new SpringApplicationBuilder(
                                RewindApplication.class, RecordingPublicationHandler.class)
                        .run(
                                "--rewind.data-dir=" + dataDir,
                                "--server.port=0",
                                "--rewind.ingest.rtmp-port=0",
                                "--rewind.ingest.rtmps-port=0",
                                "--rewind.ingest.duplicate-publish=reject",
                                "--rewind.ingest.idle-timeout=" + IDLE_TIMEOUT.toSeconds() + "s");
        String port = context.getEnvironment().getProperty("local.server.port");
        api = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
        token =
                context.getBean(ApiTokens.class)
                        .mint(List.of(ApiTokens.READ, ApiTokens.WRITE), Duration.ofHours(1), null)
                        .block()
                        .token();
        rtmpPort = context.getBean(IngestServer.class).rtmpPort();
        recorder = context.getBean(RecordingPublicationHandler.class);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @Test
    void aSecondPublisherWithTheSameKeyIsRefusedAndTheFirstCarriesOn() {
        TestStream stream = TestStream.create(api, token, "reject duplicates");
        try (SteadyPublisher first =
                SteadyPublisher.start(rtmpPort, stream.key(), Duration.ofMillis(50))) {
            RecordingPublicationHandler.Recording recording =
                    recorder.awaitPublication(stream.id(), 0, TIMEOUT);
            try (RawRtmpClient second = RawRtmpClient.open(rtmpPort)) {
                assertThat(second.publish("live", stream.key()))
                        .isEqualTo("NetStream.Publish.BadName");
                assertThat(second.awaitClosed(TIMEOUT)).isTrue();
            }

            int before = recording.tags().size();
            await().atMost(TIMEOUT).until(() -> recording.tags().size() >= before + 5);
            assertThat(first.isHealthy()).as(first.problem()).isTrue();
            assertThat(recorder.recordings(stream.id())).hasSize(1);
        }
        assertThat(recorder.recordings(stream.id()).get(0).awaitStopped(TIMEOUT))
                .isEqualTo(StopReason.CLIENT_CLOSED);
        try (RawRtmpClient next = RawRtmpClient.open(rtmpPort)) {
            assertThat(next.publish("live", stream.key())).isEqualTo("NetStream.Publish.Start");
        }
    }

    @Test
    void aPublisherThatStopsSendingMediaIsDisconnectedAsIdle() {
        TestStream stream = TestStream.create(api, token, "idle");
        try (RawRtmpClient client = RawRtmpClient.open(rtmpPort)) {
            assertThat(client.publish("live", stream.key())).isEqualTo("NetStream.Publish.Start");
            client.video(0, RawRtmpClient.avcSequenceHeader());
            for (int frame = 0; frame < 3; frame++) {
                client.video(frame * 40L, RawRtmpClient.avcFrame(frame == 0, 300));
            }
            client.flush();
            RecordingPublicationHandler.Recording recording =
                    recorder.awaitPublication(stream.id(), 0, TIMEOUT);
            await().atMost(TIMEOUT).until(() -> recording.tags().size() == 4);
            long quietSince = System.nanoTime();

            assertThat(client.awaitClosed(IDLE_TIMEOUT.plusSeconds(3))).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - quietSince))
                    .isGreaterThanOrEqualTo(IDLE_TIMEOUT.minusMillis(200));
            assertThat(recording.awaitStopped(TIMEOUT)).isEqualTo(StopReason.IDLE);
        }
    }
}
