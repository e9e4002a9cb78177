package dev.rewind.web;

import java.util.List;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * A request's path as the router sees it: segments percent-decoded, without path parameters. Every
 * filter that decides by path uses it, so that {@code /%6Cive/} is {@code /live/} for the filters
 * exactly as it is for the handler they guard.
 */
public final class RequestPaths {
    private RequestPaths() {}

    /** The decoded segments of the path within the application, empty ones included. */
    public static List<String> segments(ServerHttpRequest request) {
        return request.getPath().pathWithinApplication().elements().stream()
                .filter(PathContainer.PathSegment.class::isInstance)
                .map(element -> ((PathContainer.PathSegment) element).valueToMatch())
                .toList();
    }

    /** Whether the path's first segment is {@code first} and at least one segment follows. */
    public static boolean isUnder(ServerHttpRequest request, String first) {
        List<String> segments = segments(request);
        return segments.size() > 1 && segments.get(0).equals(first);
    }
}
