package dev.rewind.playback;

import dev.rewind.catalog.BroadcastRepository;
import dev.rewind.catalog.SegmentRepository;
import dev.rewind.catalog.StreamRepository;
import dev.rewind.storage.ObjectStore;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The URLs players fetch, under {@code /live/{streamId}/}: {@code master.m3u8}, {@code index.m3u8}
 * (the live or last broadcast), and per broadcast {@code {broadcastId}/index.m3u8}, {@code
 * init-{n}.mp4} and {@code {sequence}.m4s}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class PlaybackRouter {

    @Bean
    PlaybackHandler playbackHandler(
            StreamRepository streams,
            BroadcastRepository broadcasts,
            SegmentRepository segments,
            ObjectStore store) {
        return new PlaybackHandler(streams, broadcasts, segments, store);
    }

    @Bean
    RouterFunction<ServerResponse> playbackRoutes(PlaybackHandler handler) {
        return RouterFunctions.route()
                .route(playlist("/live/{streamId}/master.m3u8"), handler::getMultivariantPlaylist)
                .route(playlist("/live/{streamId}/index.m3u8"), handler::getLivePlaylist)
                .route(
                        playlist("/live/{streamId}/{broadcastId}/index.m3u8"),
                        handler::getBroadcastPlaylist)
                .GET("/live/{streamId}/{broadcastId}/{object}", handler::getMedia)
                .HEAD("/live/{streamId}/{broadcastId}/{object}", handler::getMedia)
                .build()
                .andRoute(RequestPredicates.path("/live/**"), handler::notFound);
    }

    /** GET, and HEAD, which WebFlux answers with the GET response's headers alone. */
    private static RequestPredicate playlist(String pattern) {
        return RequestPredicates.GET(pattern).or(RequestPredicates.HEAD(pattern));
    }
}
