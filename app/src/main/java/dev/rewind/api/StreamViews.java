package dev.rewind.api;

import dev.rewind.api.StreamResponses.BroadcastPage;
import dev.rewind.api.StreamResponses.BroadcastView;
import dev.rewind.api.StreamResponses.Ingest;
import dev.rewind.api.StreamResponses.StreamPage;
import dev.rewind.api.StreamResponses.StreamView;
import dev.rewind.api.StreamResponses.ViewersView;
import dev.rewind.catalog.Broadcast;
import dev.rewind.catalog.Stream;
import dev.rewind.config.RewindProperties;
import dev.rewind.ingest.IngestServer;
import java.time.Duration;
import java.util.List;
import org.springframework.stereotype.Component;

/** Turns catalog rows into API responses, with the URLs presenters and viewers use. */
@Component
class StreamViews {
    private final String baseUrl;
    private final String host;
    private final IngestServer ingest;

    StreamViews(RewindProperties rewind, IngestServer ingest) {
        this.baseUrl = rewind.baseUrl();
        this.host = rewind.publicUrl().getHost();
        this.ingest = ingest;
    }

    /** A stream; {@code streamKey} is set only in the responses that create or rotate it. */
    StreamView stream(Stream stream, String streamKey) {
        return new StreamView(
                stream.id(),
                stream.title(),
                stream.live() ? "live" : "idle",
                new Ingest(ingest.rtmpUrl(host), ingest.rtmpsUrl(host), streamKey),
                baseUrl + "/v/" + stream.id(),
                baseUrl + "/live/" + stream.id() + "/index.m3u8",
                new ViewersView(stream.viewers().emails(), stream.viewers().domains()),
                stream.dvrWindowSeconds(),
                stream.retentionDays(),
                stream.createdAt(),
                stream.updatedAt());
    }

    /** A page from a query that asked for one row more than {@code limit}. */
    StreamPage streamPage(List<Stream> rows, int limit) {
        List<Stream> page = rows.subList(0, Math.min(limit, rows.size()));
        String next =
                rows.size() > limit
                        ? Cursors.encode(Long.toString(page.get(limit - 1).seq()))
                        : null;
        return new StreamPage(page.stream().map(stream -> stream(stream, null)).toList(), next);
    }

    /** A page from a query that asked for one row more than {@code limit}. */
    BroadcastPage broadcastPage(String streamId, List<Broadcast> rows, int limit) {
        List<Broadcast> page = rows.subList(0, Math.min(limit, rows.size()));
        String next = null;
        if (rows.size() > limit) {
            Broadcast last = page.get(limit - 1);
            next = Cursors.encode(last.startedAt() + " " + last.id());
        }
        return new BroadcastPage(
                page.stream().map(broadcast -> broadcast(streamId, broadcast)).toList(), next);
    }

    private BroadcastView broadcast(String streamId, Broadcast broadcast) {
        Long duration =
                broadcast.endedAt() == null
                        ? null
                        : Duration.between(broadcast.startedAt(), broadcast.endedAt()).toSeconds();
        return new BroadcastView(
                broadcast.id(),
                broadcast.startedAt(),
                broadcast.endedAt(),
                duration,
                broadcast.state(),
                baseUrl + "/v/" + streamId + "?broadcast=" + broadcast.id(),
                baseUrl + "/live/" + streamId + "/" + broadcast.id() + "/index.m3u8",
                broadcast.endReason());
    }
}
