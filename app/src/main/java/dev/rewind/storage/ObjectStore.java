package dev.rewind.storage;

import io.minio.BucketExistsArgs;
import io.minio.DeleteObjectsArgs;
import io.minio.DeleteObjectsResponse;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsV2Args;
import io.minio.ListObjectsV2Response;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.DeleteRequest;
import io.minio.messages.Item;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The bucket that holds Rewind's media, reached through the MinIO client. Requests run on the
 * client's own HTTP threads; reading an object's body, which blocks, runs on the blocking
 * scheduler.
 */
public class ObjectStore {
    private static final int DELETE_BATCH = 1000;

    private final MinioAsyncClient client;
    private final String bucket;
    private final String description;
    private final Scheduler blocking;
    private final DataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;

    ObjectStore(MinioAsyncClient client, String bucket, String description, Scheduler blocking) {
        this.client = client;
        this.bucket = bucket;
        this.description = description;
        this.blocking = blocking;
    }

    /** Says which store is in use, without credentials, for the start-up line. */
    public String description() {
        return description;
    }

    /** Creates the bucket unless it exists. */
    public Mono<Void> ensureBucket() {
        return call(() -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()))
                .flatMap(exists -> exists ? Mono.empty() : makeBucket());
    }

    /** Completes when the bucket answers, for readiness. */
    public Mono<Boolean> bucketExists() {
        return call(() -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
    }

    public Mono<Void> put(String key, byte[] content, String contentType) {
        var args =
                PutObjectArgs.builder()
                        .bucket(bucket)
                        .object(key)
                        .data(content, content.length)
                        .contentType(contentType)
                        .build();
        return call(() -> client.putObject(args)).then();
    }

    /** An object's bytes; fails with the client's error when it does not exist. */
    public Mono<DataBuffer> read(String key) {
        return bytes(key).map(buffers::wrap);
    }

    /** {@code length} bytes of an object from {@code offset}. */
    public Mono<DataBuffer> read(String key, long offset, long length) {
        return bytes(key).map(bytes -> slice(key, bytes, offset, length));
    }

    private DataBuffer slice(String key, byte[] bytes, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > bytes.length) {
            throw new IllegalArgumentException(
                    "Bytes " + offset + "+" + length + " are outside " + key);
        }
        return buffers.wrap(ByteBuffer.wrap(bytes, (int) offset, (int) length).slice());
    }

    /** An object's size and entity tag. */
    public record ObjectInfo(long size, String etag) {}

    /** The object's size and entity tag; empty when there is no such object. */
    public Mono<ObjectInfo> stat(String key) {
        var args = StatObjectArgs.builder().bucket(bucket).object(key).build();
        return call(() -> client.statObject(args))
                .map(stat -> new ObjectInfo(stat.size(), stat.etag()))
                .onErrorResume(ObjectStore::isMissing, e -> Mono.empty());
    }

    private static boolean isMissing(Throwable error) {
        return error instanceof ErrorResponseException response
                && ("NoSuchKey".equals(response.errorResponse().code())
                        || "NoSuchObject".equals(response.errorResponse().code())
                        || response.response().code() == 404);
    }

    /**
     * An object's bytes, read whole on the blocking scheduler: the request, the body read to its
     * end, and its close, in one task that a viewer who goes away does not interrupt. The response
     * is so always closed, on the thread that read it, and its connection goes back to the client's
     * pool in a known state. Media objects are a few megabytes at most.
     */
    private Mono<byte[]> bytes(String key) {
        var args = GetObjectArgs.builder().bucket(bucket).object(key).build();
        return Mono.fromCallable(
                        () -> {
                            try (InputStream body = client.getObject(args).join()) {
                                return body.readAllBytes();
                            } catch (CompletionException e) {
                                throw e.getCause() instanceof Exception cause ? cause : e;
                            }
                        })
                .subscribeOn(blocking);
    }

    /** Lists the keys under a prefix, following continuation tokens page by page. */
    public Flux<String> list(String prefix) {
        return listPage(prefix, null)
                .expand(page -> nextPage(prefix, page))
                .flatMapIterable(page -> page.result().contents())
                .map(Item::objectName);
    }

    private Mono<ListObjectsV2Response> nextPage(String prefix, ListObjectsV2Response page) {
        return page.result().isTruncated()
                ? listPage(prefix, page.result().nextContinuationToken())
                : Mono.empty();
    }

    /** Deletes every object under a prefix and counts them. */
    public Mono<Long> deletePrefix(String prefix) {
        return list(prefix).buffer(DELETE_BATCH).concatMap(this::deleteBatch).reduce(0L, Long::sum);
    }

    private Mono<ListObjectsV2Response> listPage(String prefix, String continuation) {
        var args = ListObjectsV2Args.builder().bucket(bucket).prefix(prefix);
        if (continuation != null) {
            args.continuationToken(continuation);
        }
        return call(() -> client.listObjectsV2(args.build()));
    }

    private Mono<Long> deleteBatch(List<String> keys) {
        var objects = keys.stream().map(DeleteRequest.Object::new).toList();
        var args = DeleteObjectsArgs.builder().bucket(bucket).objects(objects).quiet(true).build();
        return call(() -> client.deleteObjects(args))
                .flatMap(this::failOnErrors)
                .thenReturn((long) keys.size());
    }

    private Mono<Void> failOnErrors(DeleteObjectsResponse response) {
        var errors = response.result().errors();
        if (errors == null || errors.isEmpty()) {
            return Mono.empty();
        }
        var first = errors.get(0);
        return Mono.error(
                new StorageException(
                        errors.size()
                                + " objects not deleted, first "
                                + first.objectName()
                                + ": "
                                + first.message()));
    }

    private Mono<Void> makeBucket() {
        return call(() -> client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build()))
                .then();
    }

    /**
     * Adapts the client's futures, unwrapping the {@link CompletionException} they fail with. A
     * cancel (a viewer who went away) leaves the future alone: cancelling it would keep the client
     * from closing the response when it arrives, leaking its connection.
     */
    private static <T> Mono<T> call(Supplier<CompletableFuture<T>> request) {
        return Mono.fromFuture(request, true)
                .onErrorMap(
                        CompletionException.class, e -> e.getCause() != null ? e.getCause() : e);
    }
}
