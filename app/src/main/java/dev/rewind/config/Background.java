package dev.rewind.config;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Start-up work that runs on a thread of its own while the application context refreshes. */
public final class Background {
    private Background() {}

    /** Runs {@code work} on a new daemon thread; the future completes when it has. */
    public static CompletableFuture<Void> start(String threadName, Callable<?> work) {
        var done = new CompletableFuture<Void>();
        var thread =
                new Thread(
                        () -> {
                            try {
                                work.call();
                                done.complete(null);
                            } catch (Exception e) {
                                done.completeExceptionally(e);
                            }
                        },
                        threadName);
        thread.setDaemon(true);
        thread.start();
        return done;
    }

    /** Waits up to {@code timeout} for background work; true if it completed without error. */
    public static boolean finishedWell(CompletableFuture<Void> work, Duration timeout) {
        try {
            work.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Waits for background work, naming {@code what} failed if it did. */
    public static void await(CompletableFuture<Void> work, String what) {
        try {
            work.join();
        } catch (CompletionException e) {
            throw new IllegalStateException(
                    what + " did not start: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
