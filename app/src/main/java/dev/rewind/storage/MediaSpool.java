package dev.rewind.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

/**
 * Writes media to storage without losing it while storage is unreachable: each object first goes to
 * a bounded spool on local disk, and is uploaded from there, retrying with backoff until storage
 * takes it. Only a full spool loses media, and it says so by failing {@link #add}.
 */
public class MediaSpool {
    private static final Logger log = LoggerFactory.getLogger(MediaSpool.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration WARN_INTERVAL = Duration.ofSeconds(10);

    private final ObjectStore store;
    private final Path directory;
    private final long capacity;
    private final Scheduler blocking;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong files = new AtomicLong();
    private final RepeatedWarning retries =
            new RepeatedWarning(log, "upload retries", WARN_INTERVAL);

    MediaSpool(ObjectStore store, Path directory, long capacity, Scheduler blocking) {
        this.store = store;
        this.directory = directory;
        this.capacity = capacity;
        this.blocking = blocking;
    }

    /** An object waiting in the spool for its upload. */
    public record Spooled(String key, String contentType, Path file, long size) {}

    /**
     * Clears what a previous run left in the spool: its catalog rows were never written, so no
     * playlist can list it. Runs at start-up, before the first broadcast.
     */
    void clear() throws IOException {
        Files.createDirectories(directory);
        long left;
        try (Stream<Path> stale = Files.list(directory)) {
            left = stale.filter(Files::isRegularFile).peek(MediaSpool::deleteQuietly).count();
        }
        if (left > 0) {
            log.warn("Deleted {} media files that a previous run had not uploaded", left);
        }
    }

    /**
     * Writes an object to the spool; fails with {@link SpoolFullException} when that would take the
     * spool past its capacity.
     */
    public Mono<Spooled> add(String key, byte[] content, String contentType) {
        return Mono.fromCallable(() -> write(key, content, contentType)).subscribeOn(blocking);
    }

    /** Uploads a spooled object, retrying until storage takes it, then frees its room. */
    public Mono<Void> upload(Spooled object) {
        return Mono.fromCallable(() -> Files.readAllBytes(object.file()))
                .subscribeOn(blocking)
                .flatMap(bytes -> put(object, bytes))
                .then(Mono.fromRunnable(() -> release(object)).subscribeOn(blocking))
                .then();
    }

    /** Bytes waiting in the spool. */
    public long usedBytes() {
        return used.get();
    }

    private Spooled write(String key, byte[] content, String contentType) throws IOException {
        long after = used.addAndGet(content.length);
        if (after > capacity) {
            used.addAndGet(-content.length);
            throw new SpoolFullException(
                    "media spool full: "
                            + (after - content.length)
                            + " bytes waiting for storage, "
                            + content.length
                            + " more do not fit in "
                            + capacity
                            + " (rewind.storage.spool-size)");
        }
        Path file = directory.resolve(files.incrementAndGet() + ".part");
        try {
            Files.write(file, content);
        } catch (IOException e) {
            used.addAndGet(-content.length);
            throw e;
        }
        return new Spooled(key, contentType, file, content.length);
    }

    private Mono<Void> put(Spooled object, byte[] bytes) {
        return Mono.defer(() -> store.put(object.key(), bytes, object.contentType()))
                .retryWhen(
                        Retry.backoff(Long.MAX_VALUE, FIRST_BACKOFF)
                                .maxBackoff(MAX_BACKOFF)
                                .doBeforeRetry(
                                        signal -> retries.record(object.key(), signal.failure())));
    }

    private void release(Spooled object) {
        deleteQuietly(object.file());
        used.addAndGet(-object.size());
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Cannot delete spool file {}: {}", file, e.toString());
        }
    }
}
