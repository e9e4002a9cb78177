package dev.rewind.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.RewindIntegrationTest;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/** HTTP/1.1 keep-alive as clients use it: one connection carries request after request. */
class KeepAliveIntegrationTests extends RewindIntegrationTest {
    @Value("${local.server.port}")
    int port;

    /**
     * Regression: Reactor Netty 1.3.6 buffered a request that arrived while the previous response
     * was still completing off the event loop, answered it, and then stopped reading the
     * connection, so the next request on it hung until the client gave up
     * (reactor/reactor-netty#4347). WebTestClient reuses connections, and tests timed out at 30 s
     * on whatever came next.
     */
    @Test
    void aRequestAfterOneThatWaitedForItsPredecessorIsAnswered() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            InputStream in = new BufferedInputStream(socket.getInputStream());

            // Readiness answers from other threads (database, storage); the unknown page arrives
            // before that answer has finished, so the server holds it back until then.
            send(socket, "/actuator/health/readiness", "/no-such-page");
            assertThat(List.of(readStatus(in), readStatus(in))).containsExactly(200, 404);

            send(socket, "/actuator/health/liveness");
            assertThat(readStatus(in)).isEqualTo(200);
        }
    }

    private static void send(Socket socket, String... paths) throws IOException {
        StringBuilder requests = new StringBuilder();
        for (String path : paths) {
            requests.append("GET ").append(path).append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
        }
        socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** Reads one response, its body included, and returns its status code. */
    private static int readStatus(InputStream in) throws IOException {
        int status = Integer.parseInt(readLine(in).split(" ")[1]);
        int length = 0;
        boolean chunked = false;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            String header = line.toLowerCase(Locale.ROOT);
            if (header.startsWith("content-length:")) {
                length = Integer.parseInt(header.substring("content-length:".length()).trim());
            }
            chunked |= header.equals("transfer-encoding: chunked");
        }
        if (!chunked) {
            in.readNBytes(length);
            return status;
        }
        for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
            in.readNBytes(size + 2);
        }
        readLine(in);
        return status;
    }

    private static int chunkSize(InputStream in) throws IOException {
        return Integer.parseInt(readLine(in).trim(), 16);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed mid-response");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII).stripTrailing();
    }
}
