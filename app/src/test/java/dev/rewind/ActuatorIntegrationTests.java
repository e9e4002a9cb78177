package dev.rewind;

import org.junit.jupiter.api.Test;

/** Health groups for Kubernetes probes and Prometheus metrics, open without a token. */
class ActuatorIntegrationTests extends RewindIntegrationTest {

    @Test
    void livenessAndReadinessAreUp() {
        client.get()
                .uri("/actuator/health/liveness")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP");
        client.get()
                .uri("/actuator/health/readiness")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP");
    }

    @Test
    void prometheusMetricsAreExposed() {
        client.get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .value(
                        body ->
                                org.assertj.core.api.Assertions.assertThat(body)
                                        .contains("jvm_memory_used_bytes")
                                        .contains("r2dbc_pool"));
    }

    @Test
    void otherActuatorEndpointsAreNotExposed() {
        client.get().uri("/actuator/env").exchange().expectStatus().isNotFound();
        client.get().uri("/actuator/beans").exchange().expectStatus().isNotFound();
    }
}
