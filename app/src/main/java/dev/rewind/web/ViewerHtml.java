package dev.rewind.web;

import dev.rewind.auth.ViewerIdentity;
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

    static String player(String streamId, ViewerIdentity viewer) {
        String id = escape(streamId);
        return page(
                "Rewind: " + streamId,
                """
                <h1>Stream %1$s</h1>
                <video id="player" controls autoplay muted playsinline
                  src="/live/%1$s/master.m3u8"></video>
                %2$s
                <script>
                  // keeps the grant for this stream fresh while the page is open
                  async function refreshGrant() {
                    const response = await fetch("/v/%1$s/grant", { method: "POST" });
                    if (response.ok) {
                      const grant = await response.json();
                      const left = Date.parse(grant.expiresAt) - Date.now();
                      setTimeout(refreshGrant, Math.max(5000, left * 0.8));
                    } else if (response.status === 401 || response.status === 403) {
                      document.getElementById("player").pause();
                      location.reload();
                    } else {
                      setTimeout(refreshGrant, 10000);
                    }
                  }
                  refreshGrant();
                </script>
                """
                        .formatted(id, signedInAs(viewer, streamId)));
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
