package dev.rewind.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.config.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migrations, applied to a fresh embedded PostgreSQL: the schema they build, the rules it
 * enforces, and the indexes the playlist queries rely on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrationTests {
    @TempDir static Path home;
    private EmbeddedPostgres postgres;
    private Flyway flyway;
    private MigrateResult firstRun;

    @BeforeAll
    void startFreshDatabase() {
        postgres = new EmbeddedPostgres(home.resolve("postgres"), true);
        postgres.startInBackground();
        flyway =
                Flyway.configure()
                        .dataSource(postgres.jdbcUrl(), postgres.user(), postgres.password())
                        .locations("classpath:db/migration")
                        .load();
        firstRun = flyway.migrate();
    }

    @AfterAll
    void stopDatabase() {
        postgres.close();
    }

    @Test
    void migratesAnEmptyDatabaseAndThenHasNothingLeftToDo() throws SQLException {
        MigrateResult second = flyway.migrate();

        assertThat(firstRun.initialSchemaVersion).isNull();
        assertThat(firstRun.migrationsExecuted).isGreaterThanOrEqualTo(1);
        assertThat(second.migrationsExecuted).isZero();
        flyway.validate();
        assertThat(
                        names(
                                "select table_name from information_schema.tables where"
                                        + " table_schema = 'public'"))
                .contains(
                        "streams",
                        "broadcasts",
                        "segments",
                        "signing_keys",
                        "api_tokens",
                        "media_deletions");
        assertThat(names("select indexname from pg_indexes where schemaname = 'public'"))
                .contains(
                        "broadcasts_live_per_stream",
                        "broadcasts_by_stream",
                        "segments_pkey",
                        "signing_keys_by_age");
    }

    @Test
    void theSchemaEnforcesTheCatalogRules() throws SQLException {
        try (Connection db = connect()) {
            db.createStatement()
                    .execute(
                            "insert into streams (id, title, stream_key_sha256)"
                                    + " values ('rules-test', 'Rules', sha256('key'))");
            assertThatThrownBy(
                            () ->
                                    db.createStatement()
                                            .execute(
                                                    "insert into streams (id, title,"
                                                        + " stream_key_sha256) values ('Bad_Id',"
                                                        + " 'x', sha256('other'))"))
                    .hasMessageContaining("streams_id_check");
            assertThatThrownBy(
                            () ->
                                    db.createStatement()
                                            .execute(
                                                    "insert into streams (id, title,"
                                                        + " stream_key_sha256) values ('dup-key',"
                                                        + " 'x', sha256('key'))"))
                    .hasMessageContaining("stream_key_sha256");

            db.createStatement()
                    .execute(
                            "insert into broadcasts (id, stream_id, state, started_at)"
                                    + " values ('b1', 'rules-test', 'live', now())");
            assertThatThrownBy(
                            () ->
                                    db.createStatement()
                                            .execute(
                                                    "insert into broadcasts (id, stream_id, state,"
                                                        + " started_at) values ('b2', 'rules-test',"
                                                        + " 'live', now())"))
                    .as("one live broadcast per stream")
                    .hasMessageContaining("broadcasts_live_per_stream");

            db.createStatement()
                    .execute(
                            "insert into segments (broadcast_id, media_sequence, duration_us,"
                                    + " program_date_time, object_key, size_bytes)"
                                    + " values ('b1', 0, 2000000, now(), 'k', 10)");
            assertThatThrownBy(
                            () ->
                                    db.createStatement()
                                            .execute(
                                                    "insert into segments (broadcast_id,"
                                                        + " media_sequence, duration_us,"
                                                        + " program_date_time, object_key,"
                                                        + " size_bytes) values ('b1', 0, 1, now(),"
                                                        + " 'k', 1)"))
                    .hasMessageContaining("segments_pkey");

            db.createStatement().execute("delete from streams where id = 'rules-test'");
            assertThat(names("select id from broadcasts where stream_id = 'rules-test'")).isEmpty();
            assertThat(names("select object_key from segments where broadcast_id = 'b1'"))
                    .isEmpty();
        }
    }

    @Test
    void segmentsOfABroadcastAreReadByTheirPrimaryKeyIndex() throws SQLException {
        List<String> plan = new ArrayList<>();
        try (Connection db = connect()) {
            // An empty table is cheapest to scan; ask whether the index can serve the query.
            db.createStatement().execute("set enable_seqscan = off");
            var rows =
                    db.createStatement()
                            .executeQuery(
                                    "explain select * from segments where broadcast_id = 'b'"
                                            + " and media_sequence > 10 order by media_sequence");
            while (rows.next()) {
                plan.add(rows.getString(1));
            }
        }

        assertThat(String.join("\n", plan)).contains("segments_pkey");
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(
                postgres.jdbcUrl(), postgres.user(), postgres.password());
    }

    private List<String> names(String sql) throws SQLException {
        try (Connection db = connect();
                var rows = db.createStatement().executeQuery(sql)) {
            List<String> names = new ArrayList<>();
            while (rows.next()) {
                names.add(rows.getString(1));
            }
            return names;
        }
    }
}
