package dev.rewind.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class ErrorLogsTests {
    @Test
    void checkpointsNamingTheRequestAreLeftOutAndTheRestStays() {
        var cause = new IllegalStateException("the cause");
        Throwable error =
                Mono.error(new IllegalArgumentException("bad", cause))
                        .checkpoint("HTTP GET \"/live/a/index.m3u8?token=secret-token\"")
                        .onErrorResume(e -> Mono.just(e))
                        .cast(Throwable.class)
                        .block();
        assertThat(trace(error)).contains("secret-token");

        String logged = trace(ErrorLogs.withoutCheckpoints(error));

        assertThat(logged)
                .doesNotContain("secret-token")
                .contains("java.lang.IllegalArgumentException: bad")
                .contains("the cause")
                .contains("ErrorLogsTests");
    }

    @Test
    void anErrorWithoutCheckpointsIsLoggedAsItIs() {
        var error = new IllegalStateException("plain");
        assertThat(ErrorLogs.withoutCheckpoints(error)).isSameAs(error);
    }

    private static String trace(Throwable error) {
        var out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
