package dev.rewind.ingest;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.NettyInbound;
import reactor.netty.NettyPipeline;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpServer;

/** The RTMP and RTMPS listeners. */
public final class IngestServer implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(IngestServer.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int PREFETCH = 16;

    private final IngestServices services;
    private final SslContext tls;
    private volatile LoopResources loops;
    private volatile DisposableServer rtmp;
    private volatile DisposableServer rtmps;

    IngestServer(IngestServices services, SslContext tls) {
        this.services = services;
        this.tls = tls;
    }

    /** The RTMP port listened on (the configured one until started; useful when that is 0). */
    public int rtmpPort() {
        DisposableServer server = rtmp;
        return server != null ? server.port() : services.properties().rtmpPort();
    }

    /** The RTMPS port listened on. */
    public int rtmpsPort() {
        DisposableServer server = rtmps;
        return server != null ? server.port() : services.properties().rtmpsPort();
    }

    /** The RTMP URL presenters are told to use, for the public host name. */
    public String rtmpUrl(String publicHost) {
        return services.properties().rtmpUrl(publicHost, rtmpPort());
    }

    /** The RTMPS URL presenters are told to use, for the public host name. */
    public String rtmpsUrl(String publicHost) {
        return services.properties().rtmpsUrl(publicHost, rtmpsPort());
    }

    @Override
    public void start() {
        IngestProperties properties = services.properties();
        // Presenters get event loops of their own, one per core, apart from HTTP's: a flood of
        // viewers does not delay reading a broadcast, and fewer loops than reactor-netty's
        // default (at least 4) wake up less often for the same bytes.
        loops = LoopResources.create("rtmp", 1, Runtime.getRuntime().availableProcessors(), true);
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
        LoopResources used = loops;
        if (used != null) {
            used.dispose(); // the listeners are closed: the loops wind down on their own
            loops = null;
        }
    }

    @Override
    public boolean isRunning() {
        return rtmp != null;
    }

    private TcpServer listener(boolean secure) {
        int maxMessageSize = (int) services.properties().maxMessageSize().toBytes();
        return TcpServer.create()
                .runOn(loops)
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
                            if (secure) {
                                channel.pipeline()
                                        .addBefore("rtmp", "tlsFailures", new TlsFailureLog());
                            }
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
                // a reset connection still hands over the messages already decoded
                .concatMapDelayError(session::handle, true, PREFETCH)
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

    /**
     * Logs RTMPS connections that never complete their TLS handshake (garbage, plain RTMP on the
     * RTMPS port, a client that distrusts the certificate, or none within reactor-netty's 10 s):
     * they never reach {@link #serve}.
     */
    private static final class TlsFailureLog extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext context, Object event)
                throws Exception {
            if (event instanceof SslHandshakeCompletionEvent completion
                    && !completion.isSuccess()) {
                log.info(
                        "RTMPS {}: TLS handshake failed: {}",
                        context.channel().attr(RtmpConnection.KEY).get().remote(),
                        why(completion.cause()));
            }
            super.userEventTriggered(context, event);
        }

        /** Netty's message for a record that is not TLS is a hex dump of it: not for the log. */
        private static String why(Throwable cause) {
            if (cause instanceof NotSslRecordException) {
                return "not a TLS record (plain RTMP on the RTMPS port?)";
            }
            String message = String.valueOf(cause.getMessage());
            return message.length() <= 120 ? message : message.substring(0, 120) + "...";
        }
    }

    private static void dispose(DisposableServer server) {
        if (server != null) {
            server.disposeNow(STOP_TIMEOUT);
        }
    }
}
