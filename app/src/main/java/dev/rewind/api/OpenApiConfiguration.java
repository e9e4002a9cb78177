package dev.rewind.api;

import dev.rewind.config.RewindProperties;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document's header: title, and the bearer API token every operation needs. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI rewindOpenApi(RewindProperties rewind) {
        return new OpenAPI()
                .servers(List.of(new Server().url(rewind.baseUrl())))
                .info(
                        new Info()
                                .title("Rewind API")
                                .version("1")
                                .description(
                                        "Streams, stream keys and broadcasts of Rewind, the secure"
                                                + " live DVR. Every call needs an API token with"
                                                + " streams:read (reads) or streams:write."))
                .components(
                        new Components()
                                .addSecuritySchemes(
                                        "apiToken",
                                        new SecurityScheme()
                                                .type(SecurityScheme.Type.HTTP)
                                                .scheme("bearer")
                                                .bearerFormat("JWT")))
                .addSecurityItem(new SecurityRequirement().addList("apiToken"));
    }
}
