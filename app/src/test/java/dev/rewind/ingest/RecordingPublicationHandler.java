package dev.rewind.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.annotation.Primary;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Stands in for packaging in the tests: keeps every publication's tags in memory, in the order they
 * arrived, so that a test can write them out as FLV and probe them. {@link
 * dev.rewind.RewindIntegrationTest} imports it, in place of packaging.
 */
@Primary
public class RecordingPublicationHandler implements PublicationHandler {
    private final Map<String, List<Recording>> byStream = new ConcurrentHashMap<>();
    private final Map<String, Sinks.One<Void>> paused = new ConcurrentHashMap<>();

    /** One publication as it was consumed. */
    public static final class Recording {
        private final Publication publication;
        private final List<FlvTag> tags = new CopyOnWriteArrayList<>();
        private final Sinks.One<StopReason> stopped = Sinks.one();

        Recording(Publication publication) {
            this.publication = publication;
        }

        public Publication publication() {
            return publication;
        }

        public List<FlvTag> tags() {
            return tags;
        }

        /** Why it stopped, once its tags completed. */
        public StopReason awaitStopped(Duration timeout) {
            return stopped.asMono().block(timeout);
        }
    }

    @Override
    public Mono<Void> handle(Publication publication) {
        Recording recording = new Recording(publication);
        byStream.computeIfAbsent(publication.streamId(), id -> new CopyOnWriteArrayList<>())
                .add(recording);
        return publication
                .tags()
                .delayUntil(tag -> resumed(publication.streamId()))
                .doOnNext(recording.tags::add)
                .then(publication.stopped())
                .doOnNext(recording.stopped::tryEmitValue)
                .then();
    }

    /** Stops taking the stream's tags, as a packaging stage that fell behind would. */
    public void pause(String streamId) {
        paused.put(streamId, Sinks.one());
    }

    /** Takes the stream's tags again. */
    public void resume(String streamId) {
        Sinks.One<Void> gate = paused.remove(streamId);
        if (gate != null) {
            gate.tryEmitEmpty();
        }
    }

    private Mono<Void> resumed(String streamId) {
        Sinks.One<Void> gate = paused.get(streamId);
        return gate == null ? Mono.empty() : gate.asMono();
    }

    /** The stream's publications so far, oldest first. */
    public List<Recording> recordings(String streamId) {
        return new ArrayList<>(byStream.getOrDefault(streamId, List.of()));
    }

    /** Waits for the stream's first publication to stop and returns its tags. */
    public List<FlvTag> awaitStopped(String streamId, Duration timeout) {
        Recording first = awaitPublication(streamId, 0, timeout);
        first.awaitStopped(timeout);
        return first.tags();
    }

    /** Waits until the stream has its {@code index}-th publication (from 0). */
    public Recording awaitPublication(String streamId, int index, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Recording> recordings = recordings(streamId);
            if (recordings.size() > index) {
                return recordings.get(index);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError(
                "stream " + streamId + " had no publication " + index + " within " + timeout);
    }
}
