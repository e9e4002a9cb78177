package dev.rewind.auth;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a browser does during sign-in, over plain HTTP: follows redirects one at a time, keeps
 * cookies per host (and path), sends {@code Origin} on POSTs, and remembers every response so that
 * tests can inspect the cookies' attributes.
 */
final class Browser {
    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, Cookie> cookies = new LinkedHashMap<>();
    final List<HttpResponse<String>> responses = new ArrayList<>();

    /** A cookie as a response set it: name, value and the raw attributes. */
    record Cookie(String host, String name, String value, String path, String header) {}

    HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                        .GET());
    }

    /** GETs the URL and follows redirects until a page answers. */
    HttpResponse<String> open(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = get(url);
        for (int hops = 0; hops < 10 && isRedirect(response); hops++) {
            response = get(response.uri().resolve(location(response)).toString());
        }
        return response;
    }

    HttpResponse<String> postForm(String url, Map<String, String> form)
            throws IOException, InterruptedException {
        String body =
                form.entrySet().stream()
                        .map(
                                e ->
                                        URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                                                + "="
                                                + URLEncoder.encode(
                                                        e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"));
        return send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Origin", origin(URI.create(url)))
                        .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A POST as a page's script sends it, with the given Origin (null for none). */
    HttpResponse<String> post(String url, String origin) throws IOException, InterruptedException {
        var request =
                HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody());
        if (origin != null) {
            request.header("Origin", origin);
        }
        return send(request);
    }

    HttpResponse<String> send(HttpRequest.Builder request)
            throws IOException, InterruptedException {
        URI uri = request.build().uri();
        String cookieHeader =
                cookies.values().stream()
                        .filter(c -> c.host().equals(uri.getHost()))
                        .filter(c -> uri.getPath().startsWith(c.path()))
                        .filter(c -> !c.value().isEmpty())
                        .map(c -> c.name() + "=" + c.value())
                        .collect(Collectors.joining("; "));
        if (!cookieHeader.isEmpty()) {
            request.header("Cookie", cookieHeader);
        }
        HttpResponse<String> response =
                http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        responses.add(response);
        for (String header : response.headers().allValues("Set-Cookie")) {
            Cookie cookie = parse(uri.getHost(), header);
            cookies.put(cookie.host() + " " + cookie.path() + " " + cookie.name(), cookie);
        }
        return response;
    }

    /** The cookie of this name most recently set, with its attributes; null when none was. */
    Cookie cookie(String name) {
        Cookie found = null;
        for (Cookie cookie : cookies.values()) {
            if (cookie.name().equals(name)) {
                found = cookie;
            }
        }
        return found;
    }

    /** The cookies held now, cleared ones left out. */
    List<Cookie> held() {
        return cookies.values().stream().filter(cookie -> !cookie.value().isEmpty()).toList();
    }

    void forget(String name) {
        cookies.values().removeIf(cookie -> cookie.name().equals(name));
    }

    /** Every Set-Cookie header any response carried. */
    List<String> setCookieHeaders() {
        return responses.stream()
                .map(HttpResponse::headers)
                .map(headers -> headers.allValues("Set-Cookie"))
                .flatMap(List::stream)
                .toList();
    }

    static boolean isRedirect(HttpResponse<?> response) {
        return response.statusCode() / 100 == 3;
    }

    static String location(HttpResponse<?> response) {
        HttpHeaders headers = response.headers();
        return headers.firstValue("Location").orElseThrow();
    }

    static String origin(URI uri) {
        return uri.getScheme()
                + "://"
                + uri.getHost()
                + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    private static Cookie parse(String host, String header) {
        String[] parts = header.split(";");
        String[] pair = parts[0].split("=", 2);
        String path = "/";
        for (int i = 1; i < parts.length; i++) {
            String attribute = parts[i].trim();
            if (attribute.regionMatches(true, 0, "Path=", 0, 5)) {
                path = attribute.substring(5);
            }
        }
        return new Cookie(
                host, pair[0].trim(), pair.length > 1 ? pair[1].trim() : "", path, header);
    }
}
