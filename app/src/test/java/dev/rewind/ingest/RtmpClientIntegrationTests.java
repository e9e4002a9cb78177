package dev.rewind.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.RewindIntegrationTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Rewind's RTMP ingest driven byte by byte with {@link RawRtmpClient}: the publish flow with its
 * variations, and clients that misbehave, which must lose their connection without disturbing
 * anyone else. A steady publisher runs across the whole class; the tests with misbehaving clients
 * check that it carries on, and at the end that its one publication never stopped.
 *
 * <p>Clients that present wrong keys connect from addresses of their own in 127.0.0.0/8 (127.0.0.71
 * to 127.0.0.74), since wrong keys lock out the address they come from for a minute, and the
 * application is shared with every other integration test.
 */
@ExtendWith(OutputCaptureExtension.class)
class RtmpClientIntegrationTests extends RewindIntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String START = "NetStream.Publish.Start";
    private static final String BAD_NAME = "NetStream.Publish.BadName";
    private static final int CONTROL = RawRtmpClient.CONTROL_CHUNK_STREAM;
    private static final int COMMANDS = RawRtmpClient.COMMAND_CHUNK_STREAM;

    private static SteadyPublisher steady;
    private static RecordingPublicationHandler.Recording steadyRecording;

    @Autowired IngestServer ingest;
    @Autowired RecordingPublicationHandler recorder;
    @Autowired Publishers publishers;

    @BeforeEach
    void startSteadyPublisher() {
        if (steady != null) {
            return;
        }
        TestStream stream = newStream("steady");
        steady = SteadyPublisher.start(ingest.rtmpPort(), stream.key(), Duration.ofMillis(50));
        steadyRecording = recorder.awaitPublication(stream.id(), 0, TIMEOUT);
    }

    @AfterAll
    static void theSteadyPublicationRanThroughoutTheClass() {
        if (steady == null) {
            return;
        }
        assertThat(steady.isHealthy()).as(steady.problem()).isTrue();
        steady.close();
        assertThat(steadyRecording.awaitStopped(TIMEOUT)).isEqualTo(StopReason.CLIENT_CLOSED);
    }

    @Test
    void pipelinedCommandsAndMediaSentBeforeAnyReplyArePublishedWithNothingDropped() {
        TestStream stream = newStream("pipelined");
        List<FlvTag> sent = avAndFrames(10);
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort()).handshake()) {
            client.connectCommand("live");
            double release = client.command("releaseStream", null, stream.key());
            double fcPublish = client.command("FCPublish", null, stream.key());
            double checkBandwidth = client.command("checkBandwidth", null);
            double streamLength = client.command("getStreamLength", null, stream.key());
            double createStream = client.command("createStream", null);
            client.publishCommand(stream.key());
            sent.forEach(tag -> send(client, tag));
            client.flush();

            assertThat(client.awaitReply(1).code()).isEqualTo("NetConnection.Connect.Success");
            assertThat(client.awaitReply(release).name()).isEqualTo("_result");
            assertThat(client.awaitReply(fcPublish).name()).isEqualTo("_result");
            assertThat(client.awaitReply(checkBandwidth).name()).isEqualTo("_result");
            assertThat(client.awaitReply(streamLength).name()).isEqualTo("_result");
            assertThat(client.awaitReply(createStream).values().get(3))
                    .isEqualTo((double) RawRtmpClient.MEDIA_STREAM);
            assertThat(client.awaitStatus(START).streamId()).isEqualTo(RawRtmpClient.MEDIA_STREAM);
            assertRecorded(recorder.awaitPublication(stream.id(), 0, TIMEOUT), sent);
        }
        assertStopped(stream, 0, StopReason.CLIENT_CLOSED);
    }

    @Test
    void sequenceHeadersAndFramesWithoutMetadataArriveInOrderWithTheirCodecsAndTimestamps() {
        TestStream stream = newStream("no metadata");
        List<FlvTag> sent = avAndFrames(50);
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort())) {
            assertThat(client.publish("live", stream.key())).isEqualTo(START);
            sent.forEach(tag -> send(client, tag));
            client.flush();

            RecordingPublicationHandler.Recording recording =
                    recorder.awaitPublication(stream.id(), 0, TIMEOUT);
            assertRecorded(recording, sent);
            CodecConfiguration codecs = recording.publication().codecs();
            assertThat(codecs.videoCodec()).isEqualTo("avc1");
            assertThat(codecs.videoConfig()).isEqualTo(tail(RawRtmpClient.avcSequenceHeader(), 5));
            assertThat(codecs.audioCodec()).isEqualTo("mp4a");
            assertThat(codecs.audioConfig()).isEqualTo(tail(RawRtmpClient.aacSequenceHeader(), 2));
        }
        assertStopped(stream, 0, StopReason.CLIENT_CLOSED);
    }

    @Test
    void timestampsBeyondTwentyFourBitsTravelAsExtendedTimestampsAndArriveIntact() {
        TestStream stream = newStream("extended timestamps");
        List<FlvTag> sent = new ArrayList<>();
        sent.add(new FlvTag(FlvTag.VIDEO, 0xFFFFF0L, RawRtmpClient.avcSequenceHeader(), 0));
        for (int frame = 0; frame < 5; frame++) {
            byte[] data = RawRtmpClient.avcFrame(frame == 0, 1000);
            sent.add(new FlvTag(FlvTag.VIDEO, 0xFFFFF0L + frame * 40L, data, 0));
        }
        sent.add(new FlvTag(FlvTag.VIDEO, 0xFFFFFFFFL, RawRtmpClient.avcFrame(false, 300), 0));
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort())) {
            assertThat(client.publish("live", stream.key())).isEqualTo(START);
            sent.forEach(tag -> send(client, tag));
            client.flush();

            assertRecorded(recorder.awaitPublication(stream.id(), 0, TIMEOUT), sent);
        }
        assertStopped(stream, 0, StopReason.CLIENT_CLOSED);
    }

    @Test
    void aWindowAcknowledgementSizeFromThePublisherIsAnsweredWithAcknowledgements() {
        TestStream stream = newStream("acknowledgements");
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort())) {
            client.handshake()
                    .send(CONTROL, RtmpMessage.WINDOW_ACK_SIZE, 0, 0, RtmpMessage.int32(4096));
            assertThat(client.publish("live", stream.key())).isEqualTo(START);
            for (int frame = 0; frame < 10; frame++) {
                client.video(frame * 40L, RawRtmpClient.avcFrame(frame == 0, 3000));
            }
            client.flush();

            long written = client.bytesWritten();
            RawRtmpClient.Message acknowledgement =
                    client.await(
                            message ->
                                    message.type() == RtmpMessage.ACKNOWLEDGEMENT
                                            && RtmpMessage.readInt32(message.payload(), 0)
                                                    > written - 4096,
                            "an acknowledgement of the last window");
            assertThat(RtmpMessage.readInt32(acknowledgement.payload(), 0))
                    .isLessThanOrEqualTo((int) written);
        }
        assertStopped(stream, 0, StopReason.CLIENT_CLOSED);
    }

    @Test
    void aPingRequestIsAnsweredWithAPingResponseCarryingTheSameTime() {
        byte[] ping = HexFormat.of().parseHex("00060badcafe");
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort()).handshake()) {
            client.send(CONTROL, RtmpMessage.USER_CONTROL, 0, 0, ping).flush();

            RawRtmpClient.Message response =
                    client.await(
                            message -> message.type() == RtmpMessage.USER_CONTROL,
                            "a user control message");
            assertThat(HexFormat.of().formatHex(response.payload())).isEqualTo("00070badcafe");
        }
    }

    @Test
    void anUnknownCommandIsAnsweredWithAnErrorOfTheSameTransactionAndTheSessionGoesOn() {
        TestStream stream = newStream("unknown command");
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort()).handshake()) {
            client.connectCommand("live").flush();
            client.awaitReply(1);
            double unknown = client.command("noSuchCommand", null, "argument");
            client.flush();

            RawRtmpClient.Message error = client.awaitReply(unknown);
            assertThat(error.name()).isEqualTo("_error");
            assertThat(error.code()).isEqualTo("NetConnection.Call.Failed");
            double createStream = client.command("createStream", null);
            client.flush();
            client.awaitReply(createStream);
            client.publishCommand(stream.key()).flush();
            assertThat(client.awaitPublishStatus().code()).isEqualTo(START);
        }
        assertStopped(stream, 0, StopReason.CLIENT_CLOSED);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "connect as a string announcing 7 bytes with 2 present, 0200076361",
        "an invalid type marker after the name, 020007636f6e6e656374ff",
        "an object cut off after an empty key, 020007636f6e6e656374003ff0000000000000030000",
        "an ECMA array cut off after an empty key, 020007636f6e6e65637408000000010000",
    })
    void malformedAmfInACommandClosesTheConnectionAsAProtocolError(
            String malformation, String hex, CapturedOutput output) {
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort()).handshake()) {
            client.send(COMMANDS, RtmpMessage.COMMAND_AMF0, 0, 0, HexFormat.of().parseHex(hex));
            client.flush();

            assertThat(client.awaitClosed(TIMEOUT)).as(malformation).isTrue();
            assertDisconnectedWithoutPublishing(output, client, "protocol error");
        }
        assertSteadyPublisherUnaffected();
    }

    @Test
    void anEmptyAmf3CommandClosesTheConnectionAsAProtocolError(CapturedOutput output) {
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort()).handshake()) {
            client.send(COMMANDS, RtmpMessage.COMMAND_AMF3, 0, 0, new byte[0]).flush();

            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
            assertDisconnectedWithoutPublishing(output, client, "protocol error");
        }
        assertSteadyPublisherUnaffected();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "a string announcing 10 bytes with 2 present, 02000d40736574446174614672616d6502000a6f6e",
        "onMetaData as an ECMA array cut off after an empty key,"
                + " 02000a6f6e4d6574614461746108000000010000",
    })
    void malformedMetadataWhilePublishingStopsThePublicationAsAProtocolError(
            String malformation, String hex) {
        TestStream stream = newStream("malformed metadata");
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort())) {
            assertThat(client.publish("live", stream.key())).isEqualTo(START);
            client.video(0, RawRtmpClient.avcSequenceHeader());
            byte[] metadata = HexFormat.of().parseHex(hex);
            client.send(COMMANDS, RtmpMessage.DATA_AMF0, RawRtmpClient.MEDIA_STREAM, 0, metadata);
            client.flush();

            assertThat(client.awaitClosed(TIMEOUT)).as(malformation).isTrue();
        }
        assertStopped(stream, 0, StopReason.PROTOCOL_ERROR);
        assertSteadyPublisherUnaffected();
    }

    @Test
    void aHandshakeCutOffHalfwayThroughC1LeavesTheServerUnaffected(CapturedOutput output) {
        String address;
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort())) {
            address = client.localAddress();
            client.write(Arrays.copyOf(RawRtmpClient.c0c1(3), 1 + 768)).flush();
        }

        await().atMost(TIMEOUT)
                .until(() -> output.getOut().contains(address + " disconnected without"));
        assertSteadyPublisherUnaffected();
        try (RawRtmpClient next = RawRtmpClient.open(ingest.rtmpPort())) {
            assertThat(next.handshake().handshakeAnswered()).isTrue();
        }
    }

    @Test
    void plainRtmpOnTheRtmpsPortIsLoggedAsAFailedTlsHandshake(CapturedOutput output)
            throws IOException {
        try (var socket = new java.net.Socket("127.0.0.1", ingest.rtmpsPort())) {
            socket.getOutputStream().write(RawRtmpClient.c0c1(3));
            socket.getOutputStream().flush();

            await().atMost(TIMEOUT)
                    .until(
                            () ->
                                    output.getOut()
                                            .contains(
                                                    "RTMPS 127.0.0.1:"
                                                            + socket.getLocalPort()
                                                            + ": TLS handshake failed: not a TLS"
                                                            + " record"));
        }
    }

    @Test
    void anRtmpeHandshakeVersionIsClosedWithoutAnAnswer(CapturedOutput output) {
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort())) {
            client.writeQuietly(RawRtmpClient.c0c1(6));

            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
            assertThat(client.handshakeAnswered()).isFalse();
            assertDisconnectedWithoutPublishing(output, client, "protocol error");
        }
        assertSteadyPublisherUnaffected();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void randomBytesAfterTheHandshakeCloseTheConnectionWellBeforeTheCommandTimeout(
            int seed, CapturedOutput output) {
        byte[] noise = new byte[16 * 1024];
        new Random(seed).nextBytes(noise);
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort()).handshake()) {
            client.writeQuietly(noise);

            assertThat(client.awaitClosed(Duration.ofSeconds(5))).isTrue();
            assertDisconnectedWithoutPublishing(output, client, "protocol error");
        }
        assertSteadyPublisherUnaffected();
    }

    @Test
    void aWrongStreamKeyIsRefusedWithBadNameAndNoKeyIsEverLogged(CapturedOutput output) {
        TestStream stream = newStream("wrong key");
        String wrong = "WRONGKEY" + stream.key().substring(8);
        String[][] attempts = {{"live", wrong}, {"live", wrong + "?x=1"}, {"live/" + wrong, ""}};
        for (String[] attempt : attempts) {
            try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort(), "127.0.0.71")) {
                assertThat(client.publish(attempt[0], attempt[1])).isEqualTo(BAD_NAME);
                assertThat(client.awaitClosed(TIMEOUT)).isTrue();
                assertDisconnectedWithoutPublishing(
                        output, client, "rejected (Invalid stream key.)");
            }
        }
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort(), "127.0.0.71")) {
            assertThat(client.publish("live", stream.key())).isEqualTo(START);
        }

        assertStopped(stream, 0, StopReason.CLIENT_CLOSED);
        assertThat(output.getAll()).contains("publish refused: wrong stream key");
        assertThat(output.getAll()).doesNotContain(wrong).doesNotContain(stream.key());
        assertSteadyPublisherUnaffected();
    }

    @Test
    void fiveWrongKeysFromOneAddressLockItOutEvenForTheRightKeyButNotOtherAddresses(
            CapturedOutput output) {
        TestStream stream = newStream("locked out");
        for (int attempt = 0; attempt < 5; attempt++) {
            RawRtmpClient hungUp = RawRtmpClient.open(ingest.rtmpPort(), "127.0.0.72");
            try (RawRtmpClient client = hungUp) {
                assertThat(client.publish("live", "wrong" + attempt)).isEqualTo(BAD_NAME);
            }
            // like encoders, it hung up on reading the refusal: Rewind still says why it ended
            assertDisconnectedWithoutPublishing(output, hungUp, "rejected (Invalid stream key.)");
        }

        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort(), "127.0.0.72")) {
            assertThat(client.publish("live", stream.key())).isEqualTo(BAD_NAME);
            assertThat(client.awaitStatus(BAD_NAME).values().toString())
                    .contains("Too many wrong stream keys");
            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
        }
        assertThat(recorder.recordings(stream.id())).isEmpty();
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort(), "127.0.0.73")) {
            assertThat(client.publish("live", stream.key())).isEqualTo(START);
        }
        assertStopped(stream, 0, StopReason.CLIENT_CLOSED);
        assertSteadyPublisherUnaffected();
    }

    @Test
    void aSecondPublisherWithTheSameKeyTakesOverAndTheFirstStopsAsReplaced() {
        TestStream stream = newStream("takeover");
        try (RawRtmpClient first = RawRtmpClient.open(ingest.rtmpPort());
                RawRtmpClient second = RawRtmpClient.open(ingest.rtmpPort())) {
            assertThat(first.publish("live", stream.key())).isEqualTo(START);
            first.video(0, RawRtmpClient.avcSequenceHeader()).flush();
            awaitTags(recorder.awaitPublication(stream.id(), 0, TIMEOUT), 1);

            assertThat(second.publish("live", stream.key())).isEqualTo(START);
            assertThat(first.awaitClosed(TIMEOUT)).isTrue();
            assertStopped(stream, 0, StopReason.REPLACED);
            RecordingPublicationHandler.Recording replacement =
                    recorder.awaitPublication(stream.id(), 1, TIMEOUT);
            assertThat(replacement.publication().takeover()).isTrue();
            second.video(0, RawRtmpClient.avcSequenceHeader()).flush();
            awaitTags(replacement, 1);
            assertThat(second.isClosed()).isFalse();
        }
        assertStopped(stream, 1, StopReason.CLIENT_CLOSED);
    }

    @Test
    void rotatingTheKeyWhileLiveDisconnectsThePublisherAndOnlyTheNewKeyPublishes() {
        TestStream stream = newStream("rotation");
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort())) {
            assertThat(client.publish("live", stream.key())).isEqualTo(START);
            recorder.awaitPublication(stream.id(), 0, TIMEOUT);

            TestStream rotated = stream.rotateKey(api(), writeToken());
            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
            assertStopped(stream, 0, StopReason.KEY_ROTATED);
            try (RawRtmpClient old = RawRtmpClient.open(ingest.rtmpPort(), "127.0.0.74")) {
                assertThat(old.publish("live", stream.key())).isEqualTo(BAD_NAME);
            }
            try (RawRtmpClient renewed = RawRtmpClient.open(ingest.rtmpPort())) {
                assertThat(renewed.publish("live", rotated.key())).isEqualTo(START);
            }
        }
        assertStopped(stream, 1, StopReason.CLIENT_CLOSED);
    }

    @Test
    void deletingAStreamWhileLiveDisconnectsItsPublisherAndItsKeyNoLongerPublishes() {
        TestStream stream = newStream("deleted while live");
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort())) {
            assertThat(client.publish("live", stream.key())).isEqualTo(START);
            recorder.awaitPublication(stream.id(), 0, TIMEOUT);

            api().delete()
                    .uri("/api/streams/{id}", stream.id())
                    .header("Authorization", "Bearer " + writeToken())
                    .exchange()
                    .expectStatus()
                    .isNoContent();
            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
        }
        assertStopped(stream, 0, StopReason.STREAM_DELETED);
        try (RawRtmpClient again = RawRtmpClient.open(ingest.rtmpPort(), "127.0.0.75")) {
            assertThat(again.publish("live", stream.key())).isEqualTo(BAD_NAME);
        }
        assertSteadyPublisherUnaffected();
    }

    @ParameterizedTest(name = "FourCC {0}")
    @ValueSource(strings = {"hvc1", "av01", "vp09"})
    void enhancedRtmpVideoTheBundledFfmpegCannotReadIsRefusedAsUnsupported(String fourCc) {
        TestStream stream = newStream("enhanced " + fourCc);
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort())) {
            assertThat(client.publish("live", stream.key())).isEqualTo(START);
            // enhanced RTMP v1: IsExHeader, key frame, PacketTypeSequenceStart, then the FourCC
            byte[] sequenceStart = new byte[16];
            sequenceStart[0] = (byte) 0x90;
            System.arraycopy(fourCc.getBytes(StandardCharsets.US_ASCII), 0, sequenceStart, 1, 4);
            client.video(0, sequenceStart).flush();

            RawRtmpClient.Message refusal = client.awaitStatus("NetStream.Publish.Rejected");
            assertThat(refusal.values().toString())
                    .contains("video codec " + fourCc + " is not supported");
            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
        }
        assertStopped(stream, 0, StopReason.REJECTED);
        assertThat(recorder.recordings(stream.id()).get(0).tags())
                .noneMatch(tag -> tag.type() == FlvTag.VIDEO);
        assertSteadyPublisherUnaffected();
    }

    @ParameterizedTest(name = "app \"{0}\", stream name \"{1}\"")
    @CsvSource({
        "live, KEY",
        "live, KEY?x=1",
        "live/KEY, ''",
        "live/KEY?x=1, ''",
        "live/, KEY",
    })
    void theKeyIsTakenFromTheStreamNameOrTheAppPathWithoutAnyQuery(String app, String name) {
        TestStream stream = newStream("key forms");
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort())) {
            String status =
                    client.publish(
                            app.replace("KEY", stream.key()), name.replace("KEY", stream.key()));
            assertThat(status).isEqualTo(START);
            client.video(0, RawRtmpClient.avcSequenceHeader()).flush();
            awaitTags(recorder.awaitPublication(stream.id(), 0, TIMEOUT), 1);
        }
        assertStopped(stream, 0, StopReason.CLIENT_CLOSED);
    }

    @ParameterizedTest(name = "app \"{0}\"")
    @ValueSource(strings = {"other", "liveother", ""})
    void anUnknownApplicationIsRejectedAtConnect(String app) {
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort()).handshake()) {
            client.connectCommand(app).flush();

            RawRtmpClient.Message reply = client.awaitReply(1);
            assertThat(reply.name()).isEqualTo("_error");
            assertThat(reply.code()).isEqualTo("NetConnection.Connect.Rejected");
            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
        }
        assertSteadyPublisherUnaffected();
    }

    @Test
    void unpublishingAndPublishingAgainOnOneConnectionMakesASecondPublication() {
        TestStream stream = newStream("republish");
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort())) {
            assertThat(client.publish("live", stream.key())).isEqualTo(START);
            client.video(0, RawRtmpClient.avcSequenceHeader()).flush();
            awaitTags(recorder.awaitPublication(stream.id(), 0, TIMEOUT), 1);
            client.command("FCUnpublish", null, stream.key());
            client.command("closeStream", null);
            client.flush();
            assertStopped(stream, 0, StopReason.UNPUBLISHED);

            double createStream = client.command("createStream", null);
            client.flush();
            int streamId = ((Double) client.awaitReply(createStream).values().get(3)).intValue();
            client.publishCommand(streamId, stream.key()).flush();
            client.await(
                    reply -> START.equals(reply.code()) && reply.streamId() == streamId,
                    START + " on message stream " + streamId);
            client.video(0, RawRtmpClient.avcSequenceHeader()).flush();
            awaitTags(recorder.awaitPublication(stream.id(), 1, TIMEOUT), 1);
            client.command("deleteStream", null, (double) streamId);
            client.flush();
            assertStopped(stream, 1, StopReason.UNPUBLISHED);
        }
    }

    @Test
    void aMessageAnnouncedLargerThanTheMaximumMessageSizeClosesTheConnection(
            CapturedOutput output) {
        byte[] header = HexFormat.of().parseHex("06000000800001090100000017");
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort()).handshake()) {
            client.writeQuietly(header);

            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
            assertDisconnectedWithoutPublishing(
                    output, client, "protocol error (message of 8388609 bytes");
        }
        assertSteadyPublisherUnaffected();
    }

    @Test
    void withTheLargestChunkSizeAMessageOfTheMaximumSizeIsPublishedInOneChunk() {
        TestStream stream = newStream("largest chunks");
        byte[] keyframe = RawRtmpClient.avcFrame(true, 8 * 1024 * 1024);
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort()).handshake()) {
            client.chunkSize(0x7FFFFFFF);
            assertThat(client.publish("live", stream.key())).isEqualTo(START);
            client.video(0, RawRtmpClient.avcSequenceHeader()).video(0, keyframe).flush();

            RecordingPublicationHandler.Recording recording =
                    recorder.awaitPublication(stream.id(), 0, TIMEOUT);
            awaitTags(recording, 2);
            assertThat(recording.tags().get(1).data()).isEqualTo(keyframe);
        }
        assertStopped(stream, 0, StopReason.CLIENT_CLOSED);
    }

    @Test
    void connectionsThatNeverPublishAreClosedAfterTheCommandTimeoutButASlowPublisherIsNot(
            CapturedOutput output) throws Exception {
        TestStream stream = newStream("slow");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        List<RawRtmpClient> silent = new ArrayList<>();
        try {
            long opened = System.nanoTime();
            CompletableFuture<Integer> slow =
                    CompletableFuture.supplyAsync(() -> publishSlowly(stream), executor);
            silent.add(RawRtmpClient.open(ingest.rtmpPort()));
            silent.add(RawRtmpClient.open(ingest.rtmpPort()));
            silent.get(1).write(Arrays.copyOf(RawRtmpClient.c0c1(3), 700)).flush();
            silent.add(RawRtmpClient.open(ingest.rtmpPort()).handshake());
            silent.get(2).connectCommand("live").flush();

            for (RawRtmpClient client : silent) {
                assertThat(client.awaitClosed(Duration.ofSeconds(16))).isTrue();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - opened))
                    .isBetween(Duration.ofSeconds(9), Duration.ofSeconds(16));
            for (RawRtmpClient client : silent) {
                assertDisconnectedWithoutPublishing(output, client, "timeout");
            }
            int frames = slow.get(30, TimeUnit.SECONDS);
            awaitTags(recorder.awaitPublication(stream.id(), 0, TIMEOUT), frames);
            assertSteadyPublisherUnaffected();
        } finally {
            silent.forEach(RawRtmpClient::close);
            executor.shutdownNow();
        }
        assertStopped(stream, 0, StopReason.CLIENT_CLOSED);
    }

    /**
     * Connects, then waits 2 s before each command, publishing 4 s in; then sends a frame a second
     * for 12 s, longer than both the command and the idle timeout. Returns the frames sent.
     */
    private int publishSlowly(TestStream stream) {
        try (RawRtmpClient client = RawRtmpClient.open(ingest.rtmpPort()).handshake()) {
            client.connectCommand("live").flush();
            client.awaitReply(1);
            pause(Duration.ofSeconds(2));
            double createStream = client.command("createStream", null);
            client.flush();
            client.awaitReply(createStream);
            pause(Duration.ofSeconds(2));
            client.publishCommand(stream.key()).flush();
            assertThat(client.awaitPublishStatus().code()).isEqualTo(START);
            int frames = 12;
            for (int second = 0; second < frames; second++) {
                client.video(second * 1000L, RawRtmpClient.avcFrame(second == 0, 200)).flush();
                pause(Duration.ofSeconds(1));
            }
            assertThat(client.isClosed()).as("the slow publisher was cut off").isFalse();
            return frames;
        }
    }

    private TestStream newStream(String title) {
        return TestStream.create(api(), writeToken(), title);
    }

    /** The API client, which test methods' RTMP clients hide. */
    private WebTestClient api() {
        return client;
    }

    /** Sequence headers, then a video frame each 40 ms and an audio frame each 23 ms. */
    private static List<FlvTag> avAndFrames(int videoFrames) {
        List<FlvTag> tags = new ArrayList<>();
        tags.add(new FlvTag(FlvTag.VIDEO, 0, RawRtmpClient.avcSequenceHeader(), 0));
        tags.add(new FlvTag(FlvTag.AUDIO, 0, RawRtmpClient.aacSequenceHeader(), 0));
        long audioMs = 0;
        for (int frame = 0; frame < videoFrames; frame++) {
            long videoMs = frame * 40L;
            while (audioMs <= videoMs) {
                tags.add(new FlvTag(FlvTag.AUDIO, audioMs, RawRtmpClient.aacFrame(200), 0));
                audioMs += 23;
            }
            byte[] data = RawRtmpClient.avcFrame(frame % 25 == 0, frame % 25 == 0 ? 9000 : 1500);
            tags.add(new FlvTag(FlvTag.VIDEO, videoMs, data, 0));
        }
        return tags;
    }

    private static void send(RawRtmpClient client, FlvTag tag) {
        if (tag.type() == FlvTag.VIDEO) {
            client.video(tag.timestampMs(), tag.data());
        } else {
            client.audio(tag.timestampMs(), tag.data());
        }
    }

    /** The recording holds exactly these tags, in this order, with their timestamps and bytes. */
    private static void assertRecorded(
            RecordingPublicationHandler.Recording recording, List<FlvTag> sent) {
        awaitTags(recording, sent.size());
        List<FlvTag> tags = recording.tags();
        assertThat(tags).hasSameSizeAs(sent);
        for (int i = 0; i < sent.size(); i++) {
            FlvTag expected = sent.get(i);
            assertThat(tags.get(i).type()).as("type of tag %d", i).isEqualTo(expected.type());
            assertThat(tags.get(i).timestampMs())
                    .as("timestamp of tag %d", i)
                    .isEqualTo(expected.timestampMs());
            assertThat(tags.get(i).data()).as("data of tag %d", i).isEqualTo(expected.data());
        }
    }

    private static void awaitTags(RecordingPublicationHandler.Recording recording, int count) {
        await().atMost(TIMEOUT).until(() -> recording.tags().size() >= count);
    }

    private void assertStopped(TestStream stream, int index, StopReason reason) {
        RecordingPublicationHandler.Recording recording =
                recorder.awaitPublication(stream.id(), index, TIMEOUT);
        assertThat(recording.awaitStopped(TIMEOUT)).isEqualTo(reason);
    }

    /** The server logged why this client, which never published, was disconnected. */
    private static void assertDisconnectedWithoutPublishing(
            CapturedOutput output, RawRtmpClient client, String reason) {
        String line = client.localAddress() + " disconnected without publishing: ";
        await().atMost(TIMEOUT).until(() -> output.getOut().contains(line));
        String logged = output.getOut().substring(output.getOut().indexOf(line));
        assertThat(logged.lines().findFirst().orElseThrow()).contains(line + reason);
    }

    /** The steady publisher is still connected, publishing and delivering new frames. */
    private void assertSteadyPublisherUnaffected() {
        int before = steadyRecording.tags().size();
        awaitTags(steadyRecording, before + 5);
        assertThat(steady.isHealthy()).as(steady.problem()).isTrue();
        String streamId = steadyRecording.publication().streamId();
        assertThat(publishers.isPublishing(streamId)).isTrue();
        assertThat(recorder.recordings(streamId)).hasSize(1);
    }

    private static byte[] tail(byte[] bytes, int from) {
        return Arrays.copyOfRange(bytes, from, bytes.length);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
