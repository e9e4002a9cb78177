package dev.rewind.ingest;

import reactor.core.publisher.Mono;

/** What happens to what presenters publish: packaging implements it. */
@FunctionalInterface
public interface PublicationHandler {
    /**
     * Consumes a publication's tags until they complete; subscribed when its publish is accepted.
     * Ending before the tags do, with or without an error, disconnects the presenter.
     */
    Mono<Void> handle(Publication publication);

    /**
     * Whether publications with enhanced RTMP video of this FourCC (such as {@code hvc1}) can be
     * handled; those that cannot are refused at their first video tag.
     */
    default boolean readsEnhancedVideo(String fourCc) {
        return false;
    }
}
