package dev.rewind.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.auth.ViewerIdentity;
import java.time.Instant;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ViewerHtmlTests {
    private static final Pattern CONFIG =
            Pattern.compile(
                    "<script id=\"rewind-config\" type=\"application/json\">(.*?)</script>");

    @Test
    void thePlayerPageNamesTheBuiltAssetsAndCarriesItsConfigurationSafely() throws Exception {
        var json = JsonMapper.builder().build();
        var assets = new PlayerAssets(json);
        String email = "\"</script><script>alert(1)</script>&\"@example.com";
        var viewer = new ViewerIdentity("subject", email, "https://idp.example", null);
        Instant expiry = Instant.parse("2026-12-04T22:10:00Z");

        String page = ViewerHtml.player("all-hands", viewer, expiry, assets);

        assertThat(assets.script()).matches("/player/assets/main-[A-Za-z0-9_-]+\\.js");
        assertThat(assets.styles()).allMatch(css -> css.matches("/player/assets/.+\\.css"));
        assertThat(page)
                .contains("<script type=\"module\" src=\"" + assets.script() + "\">")
                .contains("<div id=\"rewind-player\"></div>")
                .doesNotContain("<script>alert");
        var matcher = CONFIG.matcher(page);
        assertThat(matcher.find()).isTrue();
        JsonNode config = json.readTree(matcher.group(1));
        assertThat(config.path("streamId").asString()).isEqualTo("all-hands");
        assertThat(config.path("playlist").asString()).isEqualTo("/live/all-hands/index.m3u8");
        assertThat(config.path("grantUrl").asString()).isEqualTo("/v/all-hands/grant");
        assertThat(config.path("grantExpiresAt").asString()).isEqualTo("2026-12-04T22:10:00Z");
        assertThat(config.path("email").asString()).isEqualTo(email);
        assertThat(config.path("signOutUrl").asString()).isEqualTo("/sign-out");
    }
}
