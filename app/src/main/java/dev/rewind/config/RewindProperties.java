package dev.rewind.config;

import java.net.URI;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings that every feature shares.
 *
 * @param publicUrl the base URL viewers and API clients reach Rewind at; it is the issuer of every
 *     token and the base of every URL Rewind hands out
 * @param dataDir where the embedded database, the embedded object store and generated secrets live
 */
@ConfigurationProperties("rewind")
public record RewindProperties(
        @DefaultValue("http://localhost:8080") URI publicUrl,
        @DefaultValue("./data") Path dataDir) {

    /** The public URL without a trailing slash, ready to have paths appended. */
    public String baseUrl() {
        String url = publicUrl.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
