package dev.rewind.ingest;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.net.InetAddress;
import java.time.Duration;

/**
 * Counts wrong stream keys per remote address, so that guessing keys from one address stops after a
 * few tries a minute. The bucket refills greedily (one try every minute / {@code maxFailures}), so
 * that no burst across the turn of a minute gets twice the tries.
 */
final class KeyAttempts {
    private static final Duration PERIOD = Duration.ofMinutes(1);

    private final int maxFailures;
    private final Cache<InetAddress, Bucket> buckets =
            Caffeine.newBuilder()
                    .expireAfterAccess(Duration.ofMinutes(5))
                    .maximumSize(100_000)
                    .build();

    KeyAttempts(int maxFailures) {
        this.maxFailures = maxFailures;
    }

    /** Whether this address used up its wrong keys for now. */
    boolean locked(InetAddress address) {
        Bucket bucket = buckets.getIfPresent(address);
        return bucket != null && bucket.getAvailableTokens() <= 0;
    }

    /** Records a wrong key; true when that locks the address. */
    boolean failed(InetAddress address) {
        Bucket bucket = buckets.get(address, any -> newBucket());
        bucket.tryConsume(1);
        return bucket.getAvailableTokens() <= 0;
    }

    private Bucket newBucket() {
        Bandwidth limit =
                Bandwidth.builder().capacity(maxFailures).refillGreedy(maxFailures, PERIOD).build();
        return Bucket.builder().addLimit(limit).build();
    }
}
