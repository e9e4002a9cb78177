package dev.rewind.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Answers, as problem details, the errors that no controller handled: those raised in filters (such
 * as a database outage while a token is checked) or before a handler was chosen. Runs ahead of
 * Spring Boot's own error handler, whose body is not a problem detail.
 */
@Component
@Order(-2)
@ConditionalOnWebApplication
class ProblemWebExceptionHandler implements WebExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ProblemWebExceptionHandler.class);

    private final Problems problems;

    ProblemWebExceptionHandler(Problems problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(error);
        }
        if (error instanceof ResponseStatusException status) {
            return problems.write(exchange, status.getStatusCode(), detail(status));
        }
        log.error(
                "Unexpected error on {} {}",
                exchange.getRequest().getMethod(),
                exchange.getRequest().getPath(),
                ErrorLogs.withoutCheckpoints(error));
        return problems.write(
                exchange,
                HttpStatus.INTERNAL_SERVER_ERROR,
                "Rewind could not complete the request.");
    }

    private static String detail(ResponseStatusException error) {
        if (error.getReason() != null) {
            return error.getReason();
        }
        HttpStatusCode code = error.getStatusCode();
        HttpStatus status = HttpStatus.resolve(code.value());
        return status == null ? "HTTP status " + code.value() : status.getReasonPhrase() + ".";
    }
}
