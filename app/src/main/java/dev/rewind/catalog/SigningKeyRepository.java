package dev.rewind.catalog;

import io.r2dbc.spi.Readable;
import java.time.Duration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Signing keys in PostgreSQL, shared by every replica. */
@Repository
public class SigningKeyRepository {
    private final DatabaseClient db;
    private final TransactionalOperator transaction;

    SigningKeyRepository(DatabaseClient db, TransactionalOperator transaction) {
        this.db = db;
        this.transaction = transaction;
    }

    /** Keys that still sign or verify, newest first. */
    public Flux<SigningKeyRecord> findUsable() {
        return db.sql(
                        """
                        select kid, public_jwk, private_jwk_sealed, created_at, retired_at,
                            verify_until
                        from signing_keys
                        where verify_until is null or verify_until > now()
                        order by created_at desc
                        """)
                .map(SigningKeyRepository::toRecord)
                .all();
    }

    /**
     * Adds a key and retires the others, unless a replica that held the rotation lock first has
     * added one younger than {@code rotation}; retired keys verify for {@code verifyFor} more.
     * Emits whether this call added the key.
     */
    public Mono<Boolean> rotate(
            String kid,
            String publicJwk,
            byte[] privateJwkSealed,
            Duration rotation,
            Duration verifyFor) {
        Mono<Void> lock =
                db.sql("select pg_advisory_xact_lock(hashtext('rewind.signing_keys'))").then();
        Mono<Boolean> fresh =
                db.sql(
                                """
                                select exists (select 1 from signing_keys
                                    where retired_at is null
                                      and created_at > now() - make_interval(secs => :rotation))
                                """)
                        .bind("rotation", (double) rotation.toSeconds())
                        .map(row -> row.get(0, Boolean.class))
                        .one();
        Mono<Void> retire =
                db.sql(
                                """
                                update signing_keys
                                set retired_at = now(),
                                    verify_until = now() + make_interval(secs => :verifyFor)
                                where retired_at is null
                                """)
                        .bind("verifyFor", (double) verifyFor.toSeconds())
                        .then();
        Mono<Void> insert =
                db.sql(
                                """
                                insert into signing_keys (kid, algorithm, public_jwk,
                                    private_jwk_sealed)
                                values (:kid, 'ES256', :public, :sealed)
                                """)
                        .bind("kid", kid)
                        .bind("public", publicJwk)
                        .bind("sealed", privateJwkSealed)
                        .then();
        Mono<Void> deleteExpired =
                db.sql("delete from signing_keys where verify_until < now()").then();
        return lock.then(fresh)
                .flatMap(
                        isFresh ->
                                isFresh ? Mono.just(false) : retire.then(insert).thenReturn(true))
                .flatMap(added -> deleteExpired.thenReturn(added))
                .as(transaction::transactional);
    }

    private static SigningKeyRecord toRecord(Readable row) {
        return new SigningKeyRecord(
                row.get("kid", String.class),
                row.get("public_jwk", String.class),
                row.get("private_jwk_sealed", byte[].class),
                StreamRepository.instant(row, "created_at"),
                StreamRepository.instant(row, "retired_at"),
                StreamRepository.instant(row, "verify_until"));
    }
}
