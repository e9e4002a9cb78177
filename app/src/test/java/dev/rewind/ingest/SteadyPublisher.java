package dev.rewind.ingest;

import java.time.Duration;

/**
 * A well-behaved presenter on a thread of its own: after its sequence headers it sends one video
 * frame per period until closed, so that tests can watch it carry on while other clients misbehave.
 */
final class SteadyPublisher implements AutoCloseable {
    private final RawRtmpClient client;
    private final Duration period;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    private SteadyPublisher(RawRtmpClient client, Duration period) {
        this.client = client;
        this.period = period;
        this.thread = new Thread(this::sendFrames, "steady-publisher");
        thread.setDaemon(true);
    }

    /** Publishes with the key from 127.0.0.1 and starts sending; fails unless publish started. */
    static SteadyPublisher start(int port, String key, Duration period) {
        RawRtmpClient client = RawRtmpClient.open(port);
        String status = client.publish("live", key);
        if (!"NetStream.Publish.Start".equals(status)) {
            client.close();
            throw new AssertionError("publish answered " + status);
        }
        client.video(0, RawRtmpClient.avcSequenceHeader()).flush();
        SteadyPublisher publisher = new SteadyPublisher(client, period);
        publisher.thread.start();
        return publisher;
    }

    /** The connection is open and every frame so far was written. */
    boolean isHealthy() {
        return failure == null && !client.isClosed() && thread.isAlive();
    }

    String problem() {
        return failure != null ? failure.toString() : "closed: " + client.isClosed();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }

    private void sendFrames() {
        long timestampMs = 0;
        try {
            while (running) {
                client.video(timestampMs, RawRtmpClient.avcFrame(timestampMs == 0, 400)).flush();
                timestampMs += period.toMillis();
                Thread.sleep(period.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
        }
    }
}
