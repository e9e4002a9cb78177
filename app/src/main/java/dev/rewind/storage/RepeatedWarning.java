package dev.rewind.storage;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A fault that can repeat many times a second, logged as one WARN line per interval with the count
 * and the last occurrence: "12 upload retries in the last 10 s, last: ...".
 */
public final class RepeatedWarning {
    private final Logger log;
    private final String what;
    private final long intervalNanos;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong lastLogged;

    public RepeatedWarning(Logger log, String what, Duration interval) {
        this.log = log;
        this.what = what;
        this.intervalNanos = interval.toNanos();
        this.lastLogged = new AtomicLong(System.nanoTime() - intervalNanos);
    }

    /** Counts one occurrence; logs the count at most once per interval, the first one at once. */
    public void record(String subject, Throwable failure) {
        count.incrementAndGet();
        long last = lastLogged.get();
        long now = System.nanoTime();
        if (now - last < intervalNanos || !lastLogged.compareAndSet(last, now)) {
            return;
        }
        log.warn(
                "{} {} in the last {} s, last: {}: {}",
                count.getAndSet(0),
                what,
                Math.min(now - last, intervalNanos) / 1_000_000_000L,
                subject,
                failure.toString());
    }
}
