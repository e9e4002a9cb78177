package dev.rewind.web;

import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * A request's path as the router sees it: segments percent-decoded, without path parameters. Every
 * filter that decides by path uses it, so that {@code /%6Cive/} is {@code /live/} for the filters
 * exactly as it is for the handler they guard.
 */
public final class RequestPaths {
    private RequestPaths() {}

    /**
     * The decoded segment that follows {@code first} when the path within the application starts
     * with that segment; null otherwise. Only the first two segments are read.
     */
    public static String segmentAfter(ServerHttpRequest request, String first) {
        boolean matched = false;
        for (PathContainer.Element element : request.getPath().pathWithinApplication().elements()) {
            if (element instanceof PathContainer.PathSegment segment) {
                if (matched) {
                    return segment.valueToMatch();
                }
                if (!segment.valueToMatch().equals(first)) {
                    return null;
                }
                matched = true;
            }
        }
        return null;
    }

    /** Whether the path's first segment is {@code first} and another segment follows. */
    public static boolean isUnder(ServerHttpRequest request, String first) {
        return segmentAfter(request, first) != null;
    }
}
