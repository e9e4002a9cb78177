package dev.rewind.web;

import dev.rewind.catalog.StreamIdTakenException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.reactive.resource.NoResourceFoundException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Answers every error of the REST API as an RFC 9457 problem detail. Invalid input names each field
 * at fault and what was expected, in {@code detail} and in an {@code errors} list.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @Override
    protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(
            WebExchangeBindException ex,
            HttpHeaders headers,
            HttpStatusCode status,
            ServerWebExchange exchange) {
        List<FieldProblem> errors = new ArrayList<>();
        for (FieldError error : ex.getFieldErrors()) {
            errors.add(new FieldProblem(error.getField(), error.getDefaultMessage()));
        }
        return respond(invalid(errors), exchange);
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleServerWebInputException(
            ServerWebInputException ex,
            HttpHeaders headers,
            HttpStatusCode status,
            ServerWebExchange exchange) {
        JacksonException json = causedBy(ex, JacksonException.class);
        if (json != null) {
            return respond(invalid(List.of(describe(json))), exchange);
        }
        if (ex.getMethodParameter() != null
                && ex.getMethodParameter().hasParameterAnnotation(RequestBody.class)) {
            return respond(invalid(List.of(new FieldProblem("body", "is required"))), exchange);
        }
        String reason = ex.getReason() == null ? "The request is malformed." : ex.getReason();
        return respond(invalid(List.of(new FieldProblem("body", reason))), exchange);
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleResponseStatusException(
            ResponseStatusException ex,
            HttpHeaders headers,
            HttpStatusCode status,
            ServerWebExchange exchange) {
        if (ex.getStatusCode().value() == HttpStatus.CONTENT_TOO_LARGE.value()) {
            return respond(
                    ProblemDetail.forStatusAndDetail(
                            HttpStatus.CONTENT_TOO_LARGE,
                            "The request body is larger than 64 KiB."),
                    exchange);
        }
        if (ex instanceof NoResourceFoundException) {
            var request = exchange.getRequest();
            return respond(
                    ProblemDetail.forStatusAndDetail(
                            HttpStatus.NOT_FOUND,
                            "No such endpoint: "
                                    + request.getMethod()
                                    + " "
                                    + request.getPath()
                                    + "."),
                    exchange);
        }
        return super.handleResponseStatusException(ex, headers, status, exchange);
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleUnsupportedMediaTypeStatusException(
            UnsupportedMediaTypeStatusException ex,
            HttpHeaders headers,
            HttpStatusCode status,
            ServerWebExchange exchange) {
        String sent = ex.getContentType() == null ? "none" : ex.getContentType().toString();
        var problem =
                ProblemDetail.forStatusAndDetail(
                        status,
                        "The body must be one of "
                                + ex.getSupportedMediaTypes()
                                + "; Content-Type was "
                                + sent
                                + ".");
        problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
        return Mono.just(ResponseEntity.status(status).headers(headers).body(problem));
    }

    @ExceptionHandler(InvalidInputException.class)
    Mono<ResponseEntity<Object>> handleInvalidInput(
            InvalidInputException ex, ServerWebExchange exchange) {
        return respond(invalid(List.of(new FieldProblem(ex.field(), ex.expectation()))), exchange);
    }

    @ExceptionHandler(StreamIdTakenException.class)
    Mono<ResponseEntity<Object>> handleIdTaken(
            StreamIdTakenException ex, ServerWebExchange exchange) {
        var problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage() + ".");
        return respond(problem, exchange);
    }

    @ExceptionHandler(Exception.class)
    Mono<ResponseEntity<Object>> handleUnexpected(Exception ex, ServerWebExchange exchange) {
        log.error(
                "Unexpected error on {} {}",
                exchange.getRequest().getMethod(),
                exchange.getRequest().getPath(),
                ErrorLogs.withoutCheckpoints(ex));
        var problem =
                ProblemDetail.forStatusAndDetail(
                        HttpStatus.INTERNAL_SERVER_ERROR, "Rewind could not complete the request.");
        return respond(problem, exchange);
    }

    private static ProblemDetail invalid(List<FieldProblem> errors) {
        var detail = new StringBuilder();
        for (FieldProblem error : errors) {
            detail.append(detail.isEmpty() ? "" : "; ")
                    .append(error.field())
                    .append(": ")
                    .append(error.message());
        }
        var problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail.toString());
        problem.setTitle("Invalid request");
        problem.setProperty("errors", errors.stream().map(FieldProblem::asMap).toList());
        return problem;
    }

    private static FieldProblem describe(JacksonException error) {
        String field = path(error);
        if (error instanceof UnrecognizedPropertyException unknown) {
            return new FieldProblem(
                    field, "unknown field (expected one of " + unknown.getKnownPropertyIds() + ")");
        }
        if (String.valueOf(error.getOriginalMessage()).startsWith("Trailing token")) {
            return new FieldProblem("body", "unexpected content after the JSON value");
        }
        if (error instanceof MismatchedInputException mismatch
                && mismatch.getTargetType() != null) {
            return new FieldProblem(
                    field.isEmpty() ? "body" : field,
                    "expected " + expected(mismatch.getTargetType()));
        }
        if (error instanceof InputCoercionException number) {
            String name = field.isEmpty() ? currentName(number) : field;
            return new FieldProblem(name == null ? "body" : name, "number out of range");
        }
        if (String.valueOf(error.getOriginalMessage()).startsWith("Duplicate")) {
            String name = error instanceof StreamReadException read ? currentName(read) : null;
            return new FieldProblem("body", "field " + name + " appears twice");
        }
        if (error instanceof StreamReadException read && read.getLocation() != null) {
            return new FieldProblem(
                    "body",
                    "malformed JSON at line "
                            + read.getLocation().getLineNr()
                            + ", column "
                            + read.getLocation().getColumnNr());
        }
        return new FieldProblem(field.isEmpty() ? "body" : field, "could not be read as JSON");
    }

    /** The name of the field the parser was reading when it failed, if it still knows. */
    private static String currentName(StreamReadException error) {
        JsonParser parser = error.processor();
        return parser == null ? null : parser.currentName();
    }

    /** The JSON path of the failing value, such as {@code viewers.emails[2]}. */
    private static String path(JacksonException error) {
        var path = new StringBuilder();
        for (JacksonException.Reference reference : error.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String expected(Class<?> type) {
        if (type == Integer.class
                || type == int.class
                || type == Long.class
                || type == long.class) {
            return "an integer";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Iterable.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "an object";
    }

    private static <T extends Throwable> T causedBy(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    private static Mono<ResponseEntity<Object>> respond(
            ProblemDetail problem, ServerWebExchange exchange) {
        problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
        return Mono.just(ResponseEntity.status(problem.getStatus()).body(problem));
    }

    /** One field at fault and what it should have been. */
    record FieldProblem(String field, String message) {
        Map<String, String> asMap() {
            return Map.of("field", field, "message", message);
        }
    }
}
