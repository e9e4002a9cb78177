package dev.rewind;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StartupReportTests {

    @Test
    void credentialsInDatabaseUrlsAreDropped() {
        assertThat(
                        StartupReport.withoutCredentials(
                                "r2dbc:postgresql://rewind:s3cret@db:5432/rewind"))
                .isEqualTo("r2dbc:postgresql://db:5432/rewind");
        assertThat(StartupReport.withoutCredentials("r2dbc:postgresql://db:5432/rewind"))
                .isEqualTo("r2dbc:postgresql://db:5432/rewind");
    }
}
