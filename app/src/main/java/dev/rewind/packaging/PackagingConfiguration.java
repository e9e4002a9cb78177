package dev.rewind.packaging;

import dev.rewind.catalog.BroadcastRepository;
import dev.rewind.catalog.SegmentRepository;
import dev.rewind.config.RewindProperties;
import dev.rewind.ingest.IngestProperties;
import dev.rewind.ingest.PublicationHandler;
import dev.rewind.storage.MediaSpool;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Scheduler;
import ws.schild.jave.process.ffmpeg.DefaultFFMPEGLocator;

/** Wires packaging: FFmpeg, the broadcasts this replica ingests, and the publication handler. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class PackagingConfiguration {
    private static final Logger log = LoggerFactory.getLogger(PackagingConfiguration.class);

    @Bean
    PackagingSettings packagingSettings(
            PackagingProperties hls, FfmpegProperties ffmpeg, RewindProperties rewind)
            throws IOException, InterruptedException {
        Path binary = ffmpeg.path();
        if (binary == null) {
            // jave2 unpacks its static FFmpeg build into the temporary directory once
            binary = Path.of(new DefaultFFMPEGLocator().getExecutablePath());
        }
        FfmpegVersion version = FfmpegVersion.of(binary);
        log.info(
                "Packaging with {} at {}; enhanced RTMP video it reads: {}",
                version.line(),
                binary,
                version.enhancedVideoCodecs().isEmpty()
                        ? "none"
                        : String.join(", ", version.enhancedVideoCodecs()));
        return new PackagingSettings(
                binary,
                hls.partDuration().toNanos() / 1000,
                hls.segmentDuration().toNanos() / 1000,
                rewind.dataDir().resolve("ffmpeg").toAbsolutePath(),
                version.enhancedVideoCodecs());
    }

    @Bean
    Broadcasts broadcasts(
            IngestProperties ingest,
            MediaSpool spool,
            BroadcastRepository broadcasts,
            SegmentRepository segments,
            Clock clock) {
        return new Broadcasts(
                ingest.reconnectWindow(),
                nodeName(),
                new Stores(spool, broadcasts, segments),
                clock);
    }

    @Bean
    @ConditionalOnProperty(name = "rewind.packaging.enabled", matchIfMissing = true)
    PublicationHandler packager(
            Broadcasts broadcasts,
            PackagingSettings settings,
            MediaSpool spool,
            Scheduler blocking,
            Clock clock) {
        return new Packager(broadcasts, settings, spool, blocking, clock);
    }

    /**
     * With {@code rewind.packaging.enabled=false}, publications are read and dropped: ingest alone,
     * as {@code bench/ingest.sh} measures it. Nothing is stored.
     */
    @Bean
    @ConditionalOnProperty(name = "rewind.packaging.enabled", havingValue = "false")
    PublicationHandler discardingHandler() {
        log.warn("Packaging is off (rewind.packaging.enabled=false): publications are dropped");
        return publication -> publication.tags().then();
    }

    /** Broadcasts this node left live when it last stopped ended then. */
    @Bean
    ApplicationRunner abandonedBroadcasts(Broadcasts broadcasts) {
        return args ->
                broadcasts
                        .endAbandoned()
                        .filter(count -> count > 0)
                        .subscribe(
                                count ->
                                        log.info(
                                                "Ended {} broadcasts left live by this node's"
                                                        + " previous run",
                                                count));
    }

    /** This replica's name in the catalog: the pod name on Kubernetes, the host name elsewhere. */
    private static String nodeName() {
        String hostname = System.getenv("HOSTNAME");
        if (hostname != null && !hostname.isBlank()) {
            return hostname;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
