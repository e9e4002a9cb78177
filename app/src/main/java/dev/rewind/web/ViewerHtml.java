package dev.rewind.web;

import dev.rewind.auth.ViewerIdentity;
import java.time.Instant;
import org.springframework.web.util.HtmlUtils;

/** The viewer pages' HTML: small, self-contained, with nothing loaded from other hosts. */
final class ViewerHtml {
    private ViewerHtml() {}

    private static final String STYLE =
            """
            body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #111; color: #eee; }
            main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
            video { width: 100%; aspect-ratio: 16 / 9; background: #000; }
            button { font: inherit; padding: 0.4rem 0.9rem; }
            .who { color: #bbb; font-size: 0.9rem; }
            """;

    /**
     * The player page: the web player's style sheets and script, and what it needs to know as JSON,
     * escaped so that no value can end the script element.
     */
    static String player(
            String streamId, ViewerIdentity viewer, Instant grantExpiresAt, PlayerAssets assets) {
        String config =
                """
                {"streamId":%s,"playlist":%s,"grantUrl":%s,"grantExpiresAt":%s,"email":%s,\
                "signOutUrl":"/sign-out"}\
                """
                        .formatted(
                                json(streamId),
                                json("/live/" + streamId + "/index.m3u8"),
                                json("/v/" + streamId + "/grant"),
                                json(grantExpiresAt.toString()),
                                json(viewer.email()));
        var head = new StringBuilder();
        for (String style : assets.styles()) {
            head.append("<link rel=\"stylesheet\" href=\"").append(escape(style)).append("\">\n");
        }
        head.append("<script type=\"module\" src=\"")
                .append(escape(assets.script()))
                .append("\"></script>\n<link rel=\"icon\" href=\"data:,\">\n");
        return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>%s</title>
        %s<style>body { margin: 0; background: #111; }
        main { max-width: 60rem; margin: 0 auto; padding: 1rem; }</style></head>
        <body><main>
        <script id="rewind-config" type="application/json">%s</script>
        <div id="rewind-player"></div>
        </main></body></html>
        """
                .formatted(escape("Rewind: " + streamId), head, config);
    }

    /** A JSON string that is safe inside a script element: no {@code <}, {@code >} or {@code &}. */
    private static String json(String value) {
        var out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    static String notAllowed(String streamId, ViewerIdentity viewer) {
        return page(
                "Not allowed",
                """
                <h1>You are not allowed to watch this stream</h1>
                <p>Stream %s does not admit the identity you signed in with. Ask its organizer
                to add you, or sign in as someone else.</p>
                %s
                """
                        .formatted(escape(streamId), signedInAs(viewer, streamId)));
    }

    static String notFound(String streamId) {
        return page(
                "Stream not found",
                "<h1>Stream not found</h1><p>There is no stream "
                        + escape(streamId)
                        + ". Check the link you were given.</p>");
    }

    static String signedOut() {
        return page("Signed out", "<h1>Signed out</h1><p>You can close this page.</p>");
    }

    /** Who is signed in, and signing out, which also ends this stream's grant. */
    private static String signedInAs(ViewerIdentity viewer, String streamId) {
        return """
        <form class="who" method="post" action="/sign-out">
          <input type="hidden" name="stream" value="%s">
          Signed in as %s <button type="submit">Sign out</button>
        </form>
        """
                .formatted(escape(streamId), escape(viewer.email()));
    }

    private static String page(String title, String body) {
        return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>%s</title><style>%s</style></head>
        <body><main>%s</main></body></html>
        """
                .formatted(escape(title), STYLE, body);
    }

    private static String escape(String text) {
        return HtmlUtils.htmlEscape(text);
    }
}
