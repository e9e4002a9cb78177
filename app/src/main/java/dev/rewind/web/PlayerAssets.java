package dev.rewind.web;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.web.reactive.config.ResourceHandlerRegistry;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web player that npm builds from {@code player-web/} into {@code static/player/}: its
 * content-hashed assets are served at {@code /player/assets/}, cached for a year, and the player
 * page names the entry's script and style sheets as Vite's manifest lists them.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
public class PlayerAssets implements WebFluxConfigurer {
    private static final String LOCATION = "static/player/";
    private static final String MANIFEST = LOCATION + ".vite/manifest.json";
    private static final String ENTRY = "src/main.ts";
    private static final String PATH = "/player/";

    private final String script;
    private final List<String> styles;

    PlayerAssets(JsonMapper json) throws IOException {
        var manifest = new ClassPathResource(MANIFEST);
        if (!manifest.exists()) {
            throw new IllegalStateException(
                    "The web player is not built ("
                            + MANIFEST
                            + " is missing): build Rewind with Maven, which runs npm in"
                            + " player-web/");
        }
        JsonNode entry;
        try (InputStream in = manifest.getInputStream()) {
            entry = json.readTree(in).path(ENTRY);
        }
        if (!entry.path("file").isString()) {
            throw new IllegalStateException(MANIFEST + " has no entry " + ENTRY);
        }
        this.script = PATH + entry.path("file").asString();
        var css = new ArrayList<String>();
        entry.path("css").forEach(file -> css.add(PATH + file.asString()));
        this.styles = List.copyOf(css);
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler(PATH + "assets/**")
                .addResourceLocations("classpath:/" + LOCATION + "assets/")
                .setCacheControl(
                        CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable());
    }

    /** The entry's script, as a path on this server. */
    String script() {
        return script;
    }

    /** The entry's style sheets, as paths on this server. */
    List<String> styles() {
        return styles;
    }
}
