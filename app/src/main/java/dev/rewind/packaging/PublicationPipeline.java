package dev.rewind.packaging;

import dev.rewind.ingest.Flv;
import dev.rewind.ingest.FlvTag;
import dev.rewind.ingest.Publication;
import dev.rewind.ingest.StopReason;
import dev.rewind.storage.MediaSpool;
import dev.rewind.storage.ObjectKeys;
import dev.rewind.storage.SpoolFullException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * Packages one publication: writes its FLV tags to FFmpeg, cuts FFmpeg's fragmented MP4 into
 * segments, and hands them to its broadcast for storage. An FFmpeg that dies is replaced at the
 * next keyframe, and so is one whose codec configuration changes; the timeline goes on with a
 * discontinuity. Everything here runs on the blocking scheduler.
 */
final class PublicationPipeline {
    private static final Logger log = LoggerFactory.getLogger(PublicationPipeline.class);

    /** How much media, after the first keyframe, is held to learn which tracks there are. */
    private static final long PREROLL_MS = 1000;

    /** Arrival times are remembered for keyframes and at least this often, in media time. */
    private static final long ANCHOR_SPACING_MS = 200;

    private static final int KEYFRAMES_KEPT = 64;
    private static final int ANCHORS_KEPT = 256;
    private static final long EXIT_WAIT_SECONDS = 10;

    /** How far FFmpeg's time zero can be from the first timestamp, before a keyframe pins it. */
    private static final long UNCALIBRATED_MS = 100;

    private static final double[] COMMON_RATES = {23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60};

    private final Publication publication;
    private final LiveBroadcast broadcast;
    private final PackagingSettings settings;
    private final MediaSpool spool;
    private final Scheduler blocking;
    private final Clock clock;
    private final Segmenter segmenter;
    private final Sinks.Empty<Void> fatal = Sinks.empty();
    private final List<FlvTag> preroll = new ArrayList<>();

    private FlvTag metadata;
    private FlvTag videoHeader;
    private FlvTag audioHeader;
    private boolean sawVideo;
    private boolean sawAudio;
    private long firstTagMs = -1;
    private int processes;
    private volatile Output current;

    PublicationPipeline(
            Publication publication,
            LiveBroadcast broadcast,
            PackagingSettings settings,
            MediaSpool spool,
            Scheduler blocking,
            Clock clock) {
        this.publication = publication;
        this.broadcast = broadcast;
        this.settings = settings;
        this.spool = spool;
        this.blocking = blocking;
        this.clock = clock;
        this.segmenter = new Segmenter(settings.segmentUs(), broadcast.targetSeconds());
    }

    /** Packages the publication until its tags end and its last segment is queued. */
    Mono<Void> run() {
        Mono<Void> packaging =
                publication
                        .tags()
                        .publishOn(blocking, 32)
                        .concatMap(this::feed, 1)
                        .then(Mono.defer(this::endInput).subscribeOn(blocking))
                        .then(publication.stopped())
                        .flatMap(this::finish);
        return Mono.firstWithSignal(packaging, fatal.asMono()).doFinally(signal -> kill());
    }

    // ---------------------------------------------------------------------------------------
    // Input: FLV tags to FFmpeg

    private Mono<Void> feed(FlvTag tag) {
        if (tag.type() == FlvTag.SCRIPT) {
            metadata = tag; // for the next FFmpeg: a running one takes metadata only at the start
            return Mono.empty();
        }
        if (tag.isSequenceHeader()) {
            return header(tag);
        }
        sawVideo |= tag.type() == FlvTag.VIDEO;
        sawAudio |= tag.type() == FlvTag.AUDIO;
        Output out = current;
        if (out == null) {
            return preroll(tag);
        }
        if (out.exited) {
            return startsOutput(tag) ? start(List.of(tag)) : Mono.empty();
        }
        write(out, tag);
        return Mono.empty();
    }

    private Mono<Void> header(FlvTag tag) {
        boolean video = tag.type() == FlvTag.VIDEO;
        FlvTag previous = video ? videoHeader : audioHeader;
        if (video) {
            videoHeader = tag;
        } else {
            audioHeader = tag;
        }
        Output out = current;
        if (out == null || out.exited) {
            return Mono.empty(); // written when the next FFmpeg starts
        }
        if (previous != null && !Arrays.equals(previous.data(), tag.data())) {
            log.info(
                    "Stream {}: {} configuration changed; FFmpeg restarts at the next keyframe",
                    publication.streamId(),
                    video ? "video" : "audio");
            out.restarting = true;
            return stop(out);
        }
        write(out, tag);
        return Mono.empty();
    }

    /**
     * Holds the first tags until it is known which tracks FFmpeg will see: FFmpeg writes its init
     * segment with the tracks it found first, and adds none later.
     */
    private Mono<Void> preroll(FlvTag tag) {
        if (firstTagMs < 0) {
            firstTagMs = tag.timestampMs();
        }
        boolean waited = tag.timestampMs() - firstTagMs >= PREROLL_MS;
        boolean wantVideo = hasVideo() || (announces("videocodecid") && !waited);
        if (wantVideo && preroll.isEmpty() && !tag.isKeyframe()) {
            return Mono.empty(); // nothing decodes before the first keyframe
        }
        preroll.add(tag);
        boolean wantAudio = audioHeader != null || sawAudio || announces("audiocodecid");
        boolean haveAudio = preroll.stream().anyMatch(t -> t.type() == FlvTag.AUDIO);
        long span = tag.timestampMs() - preroll.get(0).timestampMs();
        if (wantAudio && !haveAudio && span < PREROLL_MS) {
            return Mono.empty();
        }
        List<FlvTag> first = List.copyOf(preroll);
        preroll.clear();
        return start(first);
    }

    private boolean announces(String key) {
        return metadata != null
                && new String(metadata.data(), StandardCharsets.ISO_8859_1).contains(key);
    }

    /** Whether FFmpeg can start at this tag: a keyframe, or any frame without video. */
    private boolean startsOutput(FlvTag tag) {
        return hasVideo() ? tag.isKeyframe() : tag.type() == FlvTag.AUDIO;
    }

    private boolean hasVideo() {
        return videoHeader != null || sawVideo;
    }

    private Mono<Void> start(List<FlvTag> first) {
        try {
            launch(first);
            return Mono.empty();
        } catch (IOException e) {
            return Mono.error(
                    new UncheckedIOException("FFmpeg cannot start: " + e.getMessage(), e));
        }
    }

    private void launch(List<FlvTag> first) throws IOException {
        boolean video = hasVideo();
        boolean audio = audioHeader != null || sawAudio;
        int number = ++processes;
        var process =
                FfmpegProcess.start(
                        FfmpegProcess.command(settings.ffmpeg(), settings.fragmentUs()),
                        settings.logDirectory().resolve(publication.id() + "-" + number + ".log"));
        var out = new Output(process, number, video);
        current = out;
        log.info(
                "Stream {}: FFmpeg started (pid {}, process {} of the publication)",
                publication.streamId(),
                process.pid(),
                number);
        read(out);
        process.write(Flv.header(audio, video));
        if (metadata != null) {
            // FFmpeg reads onMetaData only at timestamp 0; later, it would be a data track
            write(out, new FlvTag(FlvTag.SCRIPT, 0, metadata.data(), metadata.receivedAtMs()));
        }
        long at = first.get(0).timestampMs();
        for (FlvTag tag : Arrays.asList(videoHeader, audioHeader)) {
            if (tag != null) {
                write(out, new FlvTag(tag.type(), at, tag.data(), tag.receivedAtMs()));
            }
        }
        first.forEach(tag -> write(out, tag));
    }

    private void write(Output out, FlvTag tag) {
        out.remember(tag);
        try {
            out.process.write(Flv.tag(tag));
            out.process.flush();
        } catch (IOException e) {
            // FFmpeg is gone: its output ends, and the reader says why
        }
    }

    /** Ends FFmpeg's input and waits until it wrote everything and exited. */
    private Mono<Void> stop(Output out) {
        out.inputClosed = true;
        out.process.closeInput();
        return out.done.asMono();
    }

    private Mono<Void> endInput() {
        if (current == null && !preroll.isEmpty()) {
            List<FlvTag> first = List.copyOf(preroll);
            preroll.clear();
            return start(first).then(Mono.defer(this::endInput));
        }
        Output out = current;
        return out == null ? Mono.empty() : stop(out);
    }

    private Mono<Void> finish(StopReason reason) {
        LiveBroadcast.Ending ending =
                Broadcasts.endsBroadcast(reason)
                        ? new LiveBroadcast.Ending(reason.toString(), clock.instant())
                        : null;
        Segmenter.Cut last = segmenter.flush();
        if (last != null && current != null) {
            return store(current, last, ending, false);
        }
        if (ending != null) {
            broadcast.end(ending);
        }
        return Mono.empty();
    }

    private void kill() {
        Output out = current;
        if (out != null && !out.exited) {
            out.process.kill();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Output: fragmented MP4 from FFmpeg to segments

    private void read(Output out) {
        Flux.<Object, Fmp4Reader>generate(
                        () -> new Fmp4Reader(out.process.output()),
                        (reader, sink) -> {
                            try {
                                Object box = reader.next();
                                if (box == null) {
                                    sink.complete();
                                } else {
                                    sink.next(box);
                                }
                            } catch (IOException | IllegalArgumentException e) {
                                sink.error(e);
                            }
                            return reader;
                        })
                .subscribeOn(blocking)
                .concatMap(box -> accept(out, box))
                .onErrorResume(error -> unreadable(out, error))
                .then(Mono.defer(() -> exited(out)).subscribeOn(blocking))
                .onErrorResume(this::fail)
                .doFinally(signal -> out.done.tryEmitEmpty())
                .subscribe();
    }

    private Mono<Void> accept(Output out, Object box) {
        if (box instanceof Fmp4Reader.Init init) {
            out.init = init;
            return Mono.empty();
        }
        var chunk = (Fmp4Reader.Chunk) box;
        if (out.init == null) {
            return Mono.error(new IOException("a chunk before the init segment"));
        }
        Mono<Void> init = out.initNumber < 0 ? adoptInit(out) : Mono.empty();
        out.countFrames(chunk);
        Segmenter.Cut cut = segmenter.add(out.piece(chunk));
        if (cut == null) {
            return init;
        }
        if (out.describe) {
            out.describe = false;
            broadcast.describe(out.init, out.frameRate());
        }
        return init.then(store(out, cut, null, true));
    }

    private Mono<Void> adoptInit(Output out) {
        LiveBroadcast.Adopted adopted = broadcast.adopt(out.init);
        out.initNumber = adopted.number();
        out.describe = adopted.fresh();
        if (!adopted.fresh()) {
            return Mono.empty();
        }
        String key =
                ObjectKeys.key(
                        publication.streamId(),
                        broadcast.id(),
                        ObjectKeys.initName(adopted.number()));
        return spool.add(key, out.init.bytes(), "video/mp4").doOnNext(broadcast::store).then();
    }

    /**
     * Numbers a segment and hands it to the broadcast for storage.
     *
     * @param closed whether the frame after it arrived, so that its listing delay can be told
     */
    private Mono<Void> store(
            Output out, Segmenter.Cut cut, LiveBroadcast.Ending ending, boolean closed) {
        var row =
                broadcast.plan(
                        cut,
                        out.arrival(cut.startTagMs()),
                        out.takeDiscontinuity(),
                        out.initNumber);
        long closedAtMs =
                closed
                        ? out.arrival(cut.startTagMs() + cut.durationUs() / 1000).toEpochMilli()
                        : -1;
        return spool.add(row.objectKey(), cut.bytes(), "video/iso.segment")
                .doOnNext(object -> broadcast.store(object, row, ending, closedAtMs))
                .then();
    }

    private Mono<Void> unreadable(Output out, Throwable error) {
        if (error instanceof SpoolFullException) {
            return Mono.error(error);
        }
        log.warn(
                "Stream {}: FFmpeg process {} wrote unreadable output, stopping it: {}",
                publication.streamId(),
                out.number,
                error.toString());
        out.process.kill();
        return Mono.empty();
    }

    private Mono<Void> exited(Output out) {
        int code;
        try {
            code = out.process.awaitExit(EXIT_WAIT_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = -1;
        }
        String errors = out.process.errorSummary();
        if (out.inputClosed) {
            log.info(
                    "Stream {}: FFmpeg exited with code {} after {} s",
                    publication.streamId(),
                    code,
                    out.process.runningSeconds());
            if (!errors.isEmpty()) {
                log.debug("Stream {}: FFmpeg said {}", publication.streamId(), errors);
            }
        } else {
            log.warn(
                    "Stream {}: FFmpeg exited with code {} after {} s mid-broadcast; it restarts at"
                        + " the next keyframe, with a discontinuity; what it had not written yet is"
                        + " lost{}",
                    publication.streamId(),
                    code,
                    out.process.runningSeconds(),
                    errors.isEmpty() ? "" : " (" + errors + ")");
        }
        if (out.inputClosed && !out.restarting) {
            out.exited = true; // the publication ended: finish() stores the last segment
            return Mono.empty();
        }
        // the next FFmpeg's first chunk starts a new segment with its own init segment
        Segmenter.Cut partial = segmenter.flush();
        Mono<Void> stored = partial == null ? Mono.empty() : store(out, partial, null, false);
        out.exited = true; // only now may the next FFmpeg's output reach the segmenter
        return stored;
    }

    private Mono<Void> fail(Throwable error) {
        log.error(
                "Stream {}: broadcast {} cannot go on: {}",
                publication.streamId(),
                broadcast.id(),
                error.getMessage());
        fatal.tryEmitError(error);
        return Mono.empty();
    }

    /** One FFmpeg process and what reading its output needs to know about its input. */
    private static final class Output {
        final FfmpegProcess process;
        final int number;

        /** The track that timing comes from: video, or audio when there is none. */
        final int mainType;

        /** RTMP timestamps of the keyframes written. */
        final NavigableSet<Long> keyframes = new ConcurrentSkipListSet<>();

        /** Arrival at ingest, by RTMP timestamp, of keyframes and of a frame every so often. */
        final NavigableMap<Long, Long> arrivals = new ConcurrentSkipListMap<>();

        final Sinks.Empty<Void> done = Sinks.empty();
        volatile boolean inputClosed;

        /** Stopped for a new codec configuration: the publication goes on with another FFmpeg. */
        volatile boolean restarting;

        volatile boolean exited;

        /** The earliest RTMP timestamp written before FFmpeg's first chunk: its time zero. */
        volatile long startMs = Long.MAX_VALUE;

        volatile boolean chunked;
        long lastAnchorMs = Long.MIN_VALUE / 2; // far enough back not to overflow
        long offsetMs;
        boolean calibrated;
        long firstDecodeTime = -1;
        boolean discontinuity = true;
        Fmp4Reader.Init init;
        int initNumber = -1;
        boolean describe;
        long frames;
        long frameTicks;

        Output(FfmpegProcess process, int number, boolean video) {
            this.process = process;
            this.number = number;
            this.mainType = video ? FlvTag.VIDEO : FlvTag.AUDIO;
        }

        void remember(FlvTag tag) {
            if (tag.type() == FlvTag.SCRIPT || tag.isSequenceHeader()) {
                return;
            }
            long at = tag.timestampMs();
            if (!chunked && at < startMs) {
                startMs = at;
            }
            if (tag.type() != mainType) {
                return;
            }
            if (tag.isKeyframe()) {
                keyframes.add(at);
                arrivals.put(at, tag.receivedAtMs());
            } else if (at - lastAnchorMs >= ANCHOR_SPACING_MS) {
                arrivals.put(at, tag.receivedAtMs());
                lastAnchorMs = at;
            }
            if (keyframes.size() > KEYFRAMES_KEPT) {
                keyframes.pollFirst();
            }
            if (arrivals.size() > ANCHORS_KEPT) {
                arrivals.pollFirstEntry();
            }
        }

        /**
         * A chunk in RTMP time. FFmpeg starts its decode times at 0 where its input started, and
         * stretches the first sample over any gap before it; a keyframe at the start of a later
         * chunk pins the exact offset.
         */
        Segmenter.Chunk piece(Fmp4Reader.Chunk chunk) {
            Mp4.Track main = init.main();
            Mp4.Run run = chunk.run(main.id());
            if (firstDecodeTime < 0) {
                chunked = true;
                offsetMs = startMs == Long.MAX_VALUE ? 0 : startMs;
                firstDecodeTime = run == null ? 0 : run.baseDecodeTime();
            }
            if (run == null) {
                return new Segmenter.Chunk(chunk.bytes(), 0, false, offsetMs, false);
            }
            long scale = main.timescale();
            long start = run.baseDecodeTime() * 1000 / scale + offsetMs;
            boolean video = main.video();
            if (video && run.startsSync() && run.baseDecodeTime() != firstDecodeTime) {
                start = calibrate(start, run.baseDecodeTime() * 1000 / scale);
            }
            long end = (run.baseDecodeTime() + run.duration()) * 1000 / scale + offsetMs;
            return new Segmenter.Chunk(
                    chunk.bytes(),
                    run.duration() * 1_000_000 / scale,
                    !video || run.startsSync(),
                    start,
                    !video || keyframeNear(end, calibrated ? 1 : UNCALIBRATED_MS));
        }

        /** Pins the offset to the keyframe that a chunk starting at {@code mapped} begins with. */
        private long calibrate(long mapped, long decodeMs) {
            Long keyframe = nearestKeyframe(mapped);
            if (keyframe == null || Math.abs(keyframe - mapped) > UNCALIBRATED_MS) {
                return mapped;
            }
            offsetMs = keyframe - decodeMs;
            calibrated = true;
            return keyframe;
        }

        private boolean keyframeNear(long ms, long tolerance) {
            Long keyframe = nearestKeyframe(ms);
            return keyframe != null && Math.abs(keyframe - ms) <= tolerance;
        }

        private Long nearestKeyframe(long ms) {
            Long below = keyframes.floor(ms);
            Long above = keyframes.ceiling(ms);
            if (below == null || above == null) {
                return below == null ? above : below;
            }
            return ms - below <= above - ms ? below : above;
        }

        /** Counts video frames and their duration, leaving out FFmpeg's stretched first one. */
        void countFrames(Fmp4Reader.Chunk chunk) {
            Mp4.Track video = init.video();
            Mp4.Run run = video == null ? null : chunk.run(video.id());
            if (run == null || run.samples() == 0) {
                return;
            }
            boolean first = frames == 0 && frameTicks == 0;
            frames += first ? run.samples() - 1 : run.samples();
            frameTicks += first ? run.duration() - run.firstSampleDuration() : run.duration();
        }

        /**
         * Frames per second over what was counted (a segment: FLV's millisecond timestamps make a
         * shorter span imprecise), as the nearest common rate when within 0.5 % of one.
         */
        Double frameRate() {
            Mp4.Track video = init.video();
            if (video == null || frames < 2 || frameTicks <= 0) {
                return null;
            }
            double rate = (double) frames * video.timescale() / frameTicks;
            double nearest = COMMON_RATES[0];
            for (double common : COMMON_RATES) {
                if (Math.abs(common - rate) < Math.abs(nearest - rate)) {
                    nearest = common;
                }
            }
            double chosen = Math.abs(nearest - rate) <= rate * 0.005 ? nearest : rate;
            return Math.round(chosen * 1000) / 1000.0;
        }

        /** When the frame at this RTMP timestamp arrived at ingest. */
        Instant arrival(long tagMs) {
            Map.Entry<Long, Long> anchor = arrivals.floorEntry(tagMs);
            if (anchor == null) {
                anchor = arrivals.firstEntry();
            }
            if (anchor == null) {
                return Instant.EPOCH;
            }
            return Instant.ofEpochMilli(anchor.getValue() + tagMs - anchor.getKey());
        }

        boolean takeDiscontinuity() {
            boolean marked = discontinuity;
            discontinuity = false;
            return marked;
        }
    }
}
