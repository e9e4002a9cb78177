package dev.rewind.ingest;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.NettyInbound;
import reactor.netty.NettyPipeline;
import reactor.netty.tcp.TcpServer;

/** The RTMP and RTMPS listeners. */
public final class IngestServer implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(IngestServer.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int PREFETCH = 16;

    private final IngestServices services;
    private final SslContext tls;
    private volatile DisposableServer rtmp;
    private volatile DisposableServer rtmps;

    IngestServer(IngestServices services, SslContext tls) {
        this.services = services;
        this.tls = tls;
    }

    /** The RTMP port listened on (useful when configured as 0). */
    public int rtmpPort() {
        return rtmp.port();
    }

    /** The RTMPS port listened on. */
    public int rtmpsPort() {
        return rtmps.port();
    }

    @Override
    public void start() {
        IngestProperties properties = services.properties();
        rtmp = listener(false).port(properties.rtmpPort()).bindNow();
        rtmps =
                listener(true)
                        .port(properties.rtmpsPort())
                        .secure(ssl -> ssl.sslContext(tls))
                        .bindNow();
        log.info(
                "Ingest listening: RTMP on port {}, RTMPS on port {}, application /{}",
                rtmp.port(),
                rtmps.port(),
                properties.app());
    }

    @Override
    public void stop() {
        services.publishers().stopAll(StopReason.SHUTDOWN);
        dispose(rtmp);
        dispose(rtmps);
        rtmp = null;
        rtmps = null;
    }

    @Override
    public boolean isRunning() {
        return rtmp != null;
    }

    private TcpServer listener(boolean secure) {
        int maxMessageSize = (int) services.properties().maxMessageSize().toBytes();
        return TcpServer.create()
                .doOnChannelInit(
                        (observer, channel, remote) -> {
                            RtmpConnection connection = new RtmpConnection(channel, secure);
                            channel.attr(RtmpConnection.KEY).set(connection);
                            channel.pipeline()
                                    .addBefore(
                                            NettyPipeline.ReactiveBridge,
                                            "rtmp",
                                            new RtmpDecoder(
                                                    connection, maxMessageSize, services.clock()));
                        })
                .handle((in, out) -> serve(in));
    }

    private Mono<Void> serve(NettyInbound in) {
        Channel[] channel = new Channel[1];
        in.withConnection(connection -> channel[0] = connection.channel());
        RtmpConnection connection = channel[0].attr(RtmpConnection.KEY).get();
        log.info("{} connection from {}", connection.protocol(), connection.remote());
        RtmpSession session = new RtmpSession(connection, services);
        session.start();
        return in.receiveObject()
                .ofType(RtmpMessage.class)
                .concatMap(session::handle, PREFETCH)
                .onErrorResume(error -> closedWithError(connection, error))
                .doFinally(signal -> session.finish())
                .then();
    }

    private static Mono<Void> closedWithError(RtmpConnection connection, Throwable error) {
        log.debug(
                "{} {}: connection error: {}",
                connection.protocol(),
                connection.remote(),
                error.toString());
        return Mono.empty();
    }

    private static void dispose(DisposableServer server) {
        if (server != null) {
            server.disposeNow(STOP_TIMEOUT);
        }
    }
}
